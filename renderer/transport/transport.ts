/**
 * What the renderer talks to: the same interface over Electron IPC (the preload's bridge) and
 * over the `serve` WebSocket. Store actions call it; components never do.
 */
import type { AppEvent } from '../../main/contract/events.js';
import type { RequestInput, RequestMethod, RequestResult } from '../../main/contract/requests.js';
import type { ErrorData } from '../../main/contract/types.js';

export interface Transport {
  readonly kind: 'electron' | 'web';
  /** @throws RequestError with the engine's kind and message */
  call<M extends RequestMethod>(method: M, input: RequestInput<M>): Promise<RequestResult<M>>;
  subscribe(listener: (event: AppEvent) => void): () => void;
  /** Connection state changes (the WebSocket may drop and reconnect; IPC never does). */
  onConnection(listener: (connected: boolean) => void): () => void;
  /** A dropped folder's path where the platform can tell it (Electron), else null. */
  pathForFile(file: File): string | null;
}

/** An error reply, rebuilt on the renderer side with the method name. */
export class RequestError extends Error {
  readonly kind: ErrorData['kind'] | 'Disconnected' | 'Timeout';
  constructor(method: string, error: { kind: RequestError['kind']; message: string }) {
    super(error.message);
    this.name = `RequestError(${method})`;
    this.kind = error.kind;
  }
}

/** Calls give up after this long unless listed in LONG_REQUEST_TIMEOUT_MS. */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Calls that can run past a minute at 100,000 images (bench/similarity.ts: the near-duplicate
 * self-join ~40 s once the index exists, ~35 s more to build it first; UMAP ~90 s): they wait as
 * long as the engine waits for its similarity worker (CALL_TIMEOUT_MS in similarity-engine.ts).
 */
const LONG_REQUEST_TIMEOUT_MS: Partial<Record<RequestMethod, number>> = {
  'similar.duplicates': 10 * 60_000,
  'similar.map': 10 * 60_000,
};

function requestTimeoutMs(method: RequestMethod): number {
  return LONG_REQUEST_TIMEOUT_MS[method] ?? REQUEST_TIMEOUT_MS;
}

export function withTimeout<T>(method: RequestMethod, promise: Promise<T>): Promise<T> {
  const limitMs = requestTimeoutMs(method);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RequestError(method, {
            kind: 'Timeout',
            message: `${method}: no reply within ${limitMs / 1000} s`,
          }),
        ),
      limitMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
