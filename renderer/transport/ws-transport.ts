/**
 * The transport in a browser: one WebSocket to `fieldmark serve` (same origin; the server's
 * cookie carries the token). Reconnects with backoff when the connection drops; calls made
 * while disconnected fail at once with kind `Disconnected` rather than hang.
 */
import type { AppEvent } from '../../main/contract/events.js';
import type { RequestInput, RequestMethod, RequestResult } from '../../main/contract/requests.js';
import type { WireRequest, WireServerMessage } from '../../main/contract/wire.js';
import type { Reply } from '../../main/contract/types.js';
import { decodeFeatureFrame } from './feature-frame.js';
import { RequestError, withTimeout, type Transport } from './transport.js';

export function createWebSocketTransport(url: string): Transport {
  const eventListeners = new Set<(event: AppEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const pending = new Map<number, (reply: Reply<unknown>) => void>();
  let socket: WebSocket | null = null;
  let opened: Promise<void> = Promise.resolve();
  let nextSeq = 1;
  let retryMs = 250;

  const notifyConnection = (connected: boolean) => connectionListeners.forEach((listener) => listener(connected));
  const deliver = (event: AppEvent) => eventListeners.forEach((listener) => listener(event));

  function connect(): void {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    opened = new Promise<void>((resolve) => {
      ws.addEventListener('open', () => {
        retryMs = 250;
        notifyConnection(true);
        resolve();
      });
      ws.addEventListener('close', () => resolve());
    });
    ws.addEventListener('message', (message: MessageEvent<unknown>) => {
      if (message.data instanceof ArrayBuffer) {
        const batch = decodeFeatureFrame(message.data);
        if (typeof batch === 'string') console.error(batch);
        else deliver({ type: 'features', batch });
        return;
      }
      const parsed = JSON.parse(String(message.data)) as WireServerMessage;
      if (parsed.type === 'reply') {
        pending.get(parsed.seq)?.(parsed.reply);
        pending.delete(parsed.seq);
      } else {
        deliver(parsed.event);
      }
    });
    ws.addEventListener('close', () => {
      socket = null;
      for (const [seq, resolve] of pending) {
        resolve({
          ok: false,
          error: { kind: 'Internal', message: 'the connection to fieldmark serve closed before the reply' },
        });
        pending.delete(seq);
      }
      notifyConnection(false);
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
  }
  connect();

  return {
    kind: 'web',
    async call<M extends RequestMethod>(method: M, input: RequestInput<M>): Promise<RequestResult<M>> {
      await opened;
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        throw new RequestError(method, {
          kind: 'Disconnected',
          message: `${method}: not connected to fieldmark serve`,
        });
      }
      const seq = nextSeq++;
      const reply = new Promise<Reply<unknown>>((resolve) => pending.set(seq, resolve));
      const request: WireRequest = { type: 'request', seq, method, input };
      ws.send(JSON.stringify(request));
      const answer = await withTimeout(method, reply).finally(() => pending.delete(seq));
      if (!answer.ok) throw new RequestError(method, answer.error);
      return answer.value as RequestResult<M>;
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    pathForFile: () => null,
  };
}
