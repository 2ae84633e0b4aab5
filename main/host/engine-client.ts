/**
 * The UI-facing side of the engine host (issue 12): the surface the transports used on AppService
 * (`handlers`, `onEvent`, `rendition`, `close`, the current library) over the host protocol, so the
 * thread that serves the UI only routes. Every contract method is forwarded generically (from
 * REQUEST_METHODS), so a handler added to AppService travels without a change here.
 */
import type { Rendition, RenditionKind } from '../app/image-renditions.js';
import type { AppEvent, AppEventListener } from '../contract/events.js';
import { REQUEST_METHODS, type RequestHandlers, type RequestMethod } from '../contract/requests.js';
import type { LibraryInfo, RecentLibrary, Reply, Settings } from '../contract/types.js';
import { FieldmarkError, toErrorData, unreachable } from '../util/errors.js';
import type { ClientMessage, EngineMessage, HostRequest, MessageChannelEnd } from './engine-protocol.js';

export interface EngineClientOptions {
  log: (message: string) => void;
  /** Answers the engine's folder-dialog requests (Electron). */
  pickFolder?: () => Promise<string | null>;
  /** Answers the engine's trash requests (Electron). */
  trashFiles?: (paths: string[]) => Promise<void>;
  /** A call unanswered this long fails with Timeout (default 10 minutes: training and downloads are calls). */
  callTimeoutMs?: number;
  /** A thumbnail or preview unanswered this long fails with Timeout (default 60 s). */
  renditionTimeoutMs?: number;
}

/** What the transports (ws-transport, http-server, Electron's ipc and protocol) need of the engine. */
export interface EngineSurface {
  readonly handlers: RequestHandlers;
  onEvent(listener: AppEventListener): () => void;
  rendition(imageId: number, kind: RenditionKind): Promise<Rendition>;
}

/** The carrier's end of life: how to stop it, and when it has stopped. */
export interface EngineHostHandle {
  terminate(): Promise<void>;
  exited: Promise<string>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class EngineClient implements EngineSurface {
  readonly handlers: RequestHandlers;
  private readonly listeners = new Set<AppEventListener>();
  private readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  private library: LibraryInfo | null = null;
  private recentLibraries: RecentLibrary[] = [];
  private closing: Promise<void> | null = null;
  private gone: FieldmarkError | null = null;

  constructor(
    private readonly channel: MessageChannelEnd<ClientMessage, EngineMessage>,
    private readonly host: EngineHostHandle,
    private readonly options: EngineClientOptions,
  ) {
    channel.onMessage((message) => this.receive(message));
    void host.exited.then((reason) => this.engineGone(reason));
    this.handlers = Object.fromEntries(
      REQUEST_METHODS.map((method) => [method, (input: unknown) => this.call(method, input)]),
    ) as unknown as RequestHandlers;
  }

  /** The library the engine has open, as its last event told. */
  get currentLibrary(): LibraryInfo | null {
    return this.library;
  }

  /** Recent libraries as of the last open (for Electron's menu, which is built synchronously). */
  get recent(): RecentLibrary[] {
    return this.recentLibraries;
  }

  onEvent(listener: AppEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @throws FieldmarkError with the engine's kind; Timeout when unanswered. */
  async openLibrary(root: string): Promise<LibraryInfo> {
    const info = await this.handlers['library.open']({ root });
    this.library = info;
    await this.refreshRecent();
    return info;
  }

  async settings(): Promise<Settings> {
    return this.handlers['settings.get']({});
  }

  async refreshRecent(): Promise<RecentLibrary[]> {
    this.recentLibraries = await this.handlers['library.recent']({});
    return this.recentLibraries;
  }

  /** @throws FieldmarkError NotFound / DecodeFailed (the engine's), Timeout */
  async rendition(imageId: number, kind: RenditionKind): Promise<Rendition> {
    const value = (await this.send(
      (seq) => ({ type: 'rendition', seq, imageId, kind }),
      this.options.renditionTimeoutMs ?? 60_000,
      `rendition ${kind}/${imageId}`,
    )) as { bytes: Uint8Array; contentType: string };
    return {
      bytes: Buffer.from(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength),
      contentType: value.contentType,
    };
  }

  /** Closes the engine's library and ends the worker or process; waits at most `timeoutMs` for a clean close. */
  close(timeoutMs = 30_000): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.gone) await this.send((seq) => ({ type: 'close', seq }), timeoutMs, 'close');
      } finally {
        this.gone ??= new FieldmarkError('Internal', 'the engine was closed');
        await this.host.terminate();
        this.listeners.clear();
      }
    })();
    return this.closing;
  }

  /** Resolves (with why) once the worker or process has ended. */
  get exited(): Promise<string> {
    return this.host.exited;
  }

  /** The engine ended (crash, exit, close): every waiting call fails with `reason`. */
  private engineGone(reason: string): void {
    if (this.gone) return;
    this.gone = new FieldmarkError('Internal', `the engine stopped: ${reason}`);
    for (const [seq, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(this.gone);
      this.pending.delete(seq);
    }
    if (!this.closing) this.emit({ type: 'error', error: toErrorData(this.gone) });
  }

  private call(method: RequestMethod, input: unknown): Promise<never> {
    return this.send(
      (seq) => ({ type: 'call', seq, method, input }),
      this.options.callTimeoutMs ?? 600_000,
      method,
    ) as Promise<never>;
  }

  private send(make: (seq: number) => ClientMessage, timeoutMs: number, what: string): Promise<unknown> {
    if (this.gone) return Promise.reject(this.gone);
    const seq = this.nextSeq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new FieldmarkError('Timeout', `${what}: the engine did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, { resolve, reject, timer });
      this.channel.post(make(seq));
    });
  }

  private settle(seq: number, reply: Reply<unknown>): void {
    const waiting = this.pending.get(seq);
    if (!waiting) return; // timed out already; the late answer has no one to go to
    this.pending.delete(seq);
    clearTimeout(waiting.timer);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(new FieldmarkError(reply.error.kind, reply.error.message));
  }

  private receive(message: EngineMessage): void {
    switch (message.type) {
      case 'ready':
      case 'init-failed':
        return; // handled by the starter (engine-worker-host.ts) before the client exists
      case 'reply':
      case 'rendition-reply':
        return this.settle(message.seq, message.reply);
      case 'closed':
        if (message.error) this.options.log(`fieldmark: while closing the engine: ${message.error.message}`);
        return this.settle(message.seq, { ok: true, value: null });
      case 'event':
        if (message.event.type === 'library-opened') this.library = message.event.library;
        return this.emit(message.event);
      case 'features':
        return this.emit({
          type: 'features',
          batch: { imageIds: message.imageIds, dim: message.dim, vectors: message.vectors },
        });
      case 'log':
        return this.options.log(message.message);
      case 'host-request':
        void this.answerHost(message.request).then((reply) =>
          this.channel.post({ type: 'host-reply', seq: message.seq, reply }),
        );
        return;
      default:
        unreachable(message);
    }
  }

  private async answerHost(request: HostRequest): Promise<Reply<unknown>> {
    try {
      switch (request.action) {
        case 'pickFolder':
          if (!this.options.pickFolder)
            throw new FieldmarkError('InvalidArgument', 'no folder dialog on this side of the engine');
          return { ok: true, value: await this.options.pickFolder() };
        case 'trashFiles':
          if (!this.options.trashFiles)
            throw new FieldmarkError('InvalidArgument', 'no trash on this side of the engine');
          await this.options.trashFiles(request.paths);
          return { ok: true, value: null };
        default:
          return unreachable(request);
      }
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log(`fieldmark: an event listener failed on ${event.type}: ${toErrorData(error).message}`);
      }
    }
  }
}
