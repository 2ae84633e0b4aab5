/**
 * The messages between the UI-facing thread (EngineClient) and the engine (AppService in a worker
 * thread under `serve` and the CLI, in a utilityProcess in Electron; issue 12). One module for both
 * hosts, so the worker path the tests run also checks the utility process's protocol.
 *
 * Requests carry a sequence number and are answered once; the engine also pushes events, logs and
 * "host requests" (things only the UI side can do: Electron's folder dialog, the OS trash), which
 * the client answers by the same sequence scheme. Errors travel as `{ kind, message }` data.
 */
import type { AppEvent } from '../contract/events.js';
import type { Reply, Settings } from '../contract/types.js';
import type { AppPaths } from '../util/app-paths.js';
import type { RenditionKind } from '../app/image-renditions.js';
import type { ErrorData } from '../util/errors.js';

/** Everything the engine needs to build its AppService: plain data (functions become host requests). */
export interface EngineInit {
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  version: string;
  transport: 'electron' | 'web';
  /** Folder the model provider resolves relative model paths against. */
  cwd: string;
  /** The UI side answers `pickFolder` host requests (Electron's dialog). */
  canPickFolder: boolean;
  /** The UI side answers `trashFiles` host requests (Electron's shell.trashItem). */
  canTrashFiles: boolean;
  overrides?: Partial<Settings>;
  dbPath?: string;
}

export type HostRequest = { action: 'pickFolder' } | { action: 'trashFiles'; paths: string[] };

/** UI side -> engine. */
export type ClientMessage =
  | { type: 'init'; init: EngineInit }
  | { type: 'call'; seq: number; method: string; input: unknown }
  | { type: 'rendition'; seq: number; imageId: number; kind: RenditionKind }
  | { type: 'host-reply'; seq: number; reply: Reply<unknown> }
  | { type: 'close'; seq: number };

/** Engine -> UI side. Feature vectors travel as their own message so their buffer can be transferred. */
export type EngineMessage =
  | { type: 'ready' }
  | { type: 'init-failed'; error: ErrorData }
  | { type: 'reply'; seq: number; reply: Reply<unknown> }
  | { type: 'rendition-reply'; seq: number; reply: Reply<{ bytes: Uint8Array; contentType: string }> }
  | { type: 'event'; event: Exclude<AppEvent, { type: 'features' }> }
  | { type: 'features'; imageIds: number[]; dim: number; vectors: Float32Array }
  | { type: 'host-request'; seq: number; request: HostRequest }
  | { type: 'log'; message: string }
  | { type: 'closed'; seq: number; error: ErrorData | null };

/**
 * One end of the channel, whatever carries it (a worker's parentPort, a Worker, Electron's
 * process.parentPort or UtilityProcess). `transfer` lists buffers to move rather than copy;
 * carriers that cannot transfer them (Electron's) ignore it and copy.
 */
export interface MessageChannelEnd<Out, In> {
  post(message: Out, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: In) => void): void;
}

const CLIENT_TYPES = new Set<ClientMessage['type']>(['init', 'call', 'rendition', 'host-reply', 'close']);
const ENGINE_TYPES = new Set<EngineMessage['type']>([
  'ready',
  'init-failed',
  'reply',
  'rendition-reply',
  'event',
  'features',
  'host-request',
  'log',
  'closed',
]);

function hasType(value: unknown, types: ReadonlySet<string>): boolean {
  return typeof value === 'object' && value !== null && types.has(String((value as { type?: unknown }).type));
}

/** Both ends come from this codebase; this guards against a stray message from elsewhere (e.g. Electron internals). */
export function isClientMessage(value: unknown): value is ClientMessage {
  return hasType(value, CLIENT_TYPES);
}

export function isEngineMessage(value: unknown): value is EngineMessage {
  return hasType(value, ENGINE_TYPES);
}
