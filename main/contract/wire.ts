/**
 * The WebSocket messages of `serve` (JSON text frames; feature batches travel as binary frames,
 * see events.ts). A request carries a sequence number that its reply repeats, so replies may
 * arrive in any order.
 */
import type { AppEvent } from './events.js';
import type { Reply } from './types.js';

export interface WireRequest {
  type: 'request';
  seq: number;
  method: string;
  input: unknown;
}

export type WireServerMessage =
  | { type: 'reply'; seq: number; reply: Reply<unknown> }
  /** Every event but `features`, which is a binary frame. */
  | { type: 'event'; event: Exclude<AppEvent, { type: 'features' }> };

/** The WebSocket path, relative to the page. */
export const WIRE_PATH = '/ws';
