/**
 * A renderer `Transport` over a real in-process AppService: every call is validated and run by
 * the contract's dispatcher (as `main/server/ws-transport.ts` does for a WebSocket), replies are
 * unwrapped into values or `RequestError`s, and events come from `service.onEvent`. Lets the
 * renderer's real store run in Node against the real engine.
 */
import type { AppService } from '../../main/app/app-service.js';
import { dispatchRequest } from '../../main/contract/dispatch.js';
import type { AppEvent } from '../../main/contract/events.js';
import type { RequestMethod, RequestResult } from '../../main/contract/requests.js';
import { type Transport, RequestError } from '../../renderer/transport/transport.js';
import type { AppStore, Store } from '../../renderer/store/index.js';

export interface InProcessTransport extends Transport {
  /** Requests sent so far, by method (to tell which path an action took). */
  readonly calls: RequestMethod[];
  /** Fires the connection listeners, as the WebSocket does once open. */
  connect(): void;
}

export function inProcessTransport(service: Pick<AppService, 'handlers' | 'onEvent'>): InProcessTransport {
  const connectionListeners = new Set<(connected: boolean) => void>();
  const calls: RequestMethod[] = [];
  return {
    kind: 'web',
    calls,
    async call<M extends RequestMethod>(method: M, input: unknown): Promise<RequestResult<M>> {
      calls.push(method);
      // A JSON round trip, as over the wire: what the renderer gets is plain data.
      const reply = await dispatchRequest(service.handlers, method, JSON.parse(JSON.stringify(input ?? {})));
      if (!reply.ok) throw new RequestError(method, reply.error);
      return JSON.parse(JSON.stringify(reply.value)) as RequestResult<M>;
    },
    subscribe(listener: (event: AppEvent) => void) {
      return service.onEvent(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    pathForFile: () => null,
    connect() {
      for (const listener of connectionListeners) listener(true);
    },
  };
}

/**
 * Resolves with the state once `predicate` holds (checked now and on every store change).
 * @throws Error naming `what` when it does not hold within `timeoutMs`.
 */
export function waitForStore(
  store: AppStore,
  what: string,
  predicate: (state: Store) => boolean,
  timeoutMs = 20_000,
): Promise<Store> {
  return new Promise((resolve, reject) => {
    if (predicate(store.getState())) return resolve(store.getState());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`store: ${what} did not happen within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = store.subscribe((state) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(state);
    });
  });
}
