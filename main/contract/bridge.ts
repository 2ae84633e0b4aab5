/**
 * The one object the Electron preload exposes to the renderer (as `window.fieldmark`) through
 * contextBridge. It forwards requests and events and nothing else: no raw ipcRenderer, no Node.
 */
import type { AppEvent } from './events.js';
import type { Reply } from './types.js';

export interface FieldmarkBridge {
  readonly transport: 'electron';
  /** Sends a request; the reply is always a Reply, never a rejection (unless IPC itself fails). */
  call(method: string, input: unknown): Promise<Reply<unknown>>;
  /** Subscribes to the event stream; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** The file-system path of a dropped folder (Electron's webUtils), or null. */
  pathForFile(file: File): string | null;
}

/** IPC channel names, all under one prefix that the main process checks. */
export const IPC_CHANNELS = {
  call: 'fieldmark:call',
  event: 'fieldmark:event',
} as const;
