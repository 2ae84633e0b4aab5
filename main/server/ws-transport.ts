/**
 * Binds one WebSocket to the app service: JSON requests in, JSON replies and events out,
 * feature batches as binary frames. Every request goes through the contract's dispatcher, so
 * the same validation applies as over Electron IPC.
 */
import type { WebSocket, RawData } from 'ws';
import { dispatchRequest } from '../contract/dispatch.js';
import type { AppEvent } from '../contract/events.js';
import type { WireRequest, WireServerMessage } from '../contract/wire.js';
import type { AppService } from '../app/app-service.js';
import { describeValue } from '../util/errors.js';
import { encodeFeatureFrame } from './feature-frame.js';

/** Feature frames are dropped (not queued without bound) when a slow client falls this far behind. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * Requests one connection may have unanswered at once (issue 12): more are answered at once with
 * an error instead of piling up behind a slow or hung handler. The UI has a few in flight.
 * (Frame size is bounded by the WebSocketServer's maxPayload, 1 MiB.)
 */
export const MAX_REQUESTS_IN_FLIGHT = 64;

export interface WebSocketLimits {
  maxRequestsInFlight?: number;
}

export function bindWebSocket(
  socket: WebSocket,
  service: Pick<AppService, 'handlers' | 'onEvent'>,
  log: (message: string) => void,
  limits: WebSocketLimits = {},
): void {
  const maxInFlight = limits.maxRequestsInFlight ?? MAX_REQUESTS_IN_FLIGHT;
  let inFlight = 0;
  let refused = 0;
  const send = (message: WireServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  let droppedFeatures = 0;
  const unsubscribe = service.onEvent((event: AppEvent) => {
    if (socket.readyState !== socket.OPEN) return;
    if (event.type === 'features') {
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        if (droppedFeatures++ === 0) log('fieldmark serve: a client is slow; dropping feature batches for it');
        return;
      }
      socket.send(encodeFeatureFrame(event.batch), { binary: true });
      return;
    }
    send({ type: 'event', event });
  });
  socket.on('close', unsubscribe);
  socket.on('error', (error) => log(`fieldmark serve: websocket error: ${error.message}`));
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      socket.close(1003, 'expected JSON text frames');
      return;
    }
    const request = parseRequest(data.toString());
    if (typeof request === 'string') {
      log(`fieldmark serve: closing a websocket that sent a malformed request: ${request}`);
      socket.close(1008, request.slice(0, 120));
      return;
    }
    if (inFlight >= maxInFlight) {
      if (refused++ === 0)
        log(`fieldmark serve: a client has ${inFlight} requests in flight; refusing more until they are answered`);
      const message = `too many requests in flight on this connection (at most ${maxInFlight}); wait for replies before sending more`;
      send({ type: 'reply', seq: request.seq, reply: { ok: false, error: { kind: 'InvalidArgument', message } } });
      return;
    }
    inFlight += 1;
    void dispatchRequest(service.handlers, request.method, request.input).then((reply) => {
      inFlight -= 1;
      send({ type: 'reply', seq: request.seq, reply });
    });
  });
}

/** The request, or a description of what was wrong with the frame. */
export function parseRequest(text: string): WireRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `expected a JSON request, received ${describeValue(text)}`;
  }
  if (typeof value !== 'object' || value === null) return `expected a request object, received ${describeValue(value)}`;
  const record = value as Record<string, unknown>;
  if (record.type !== 'request') return `expected type "request", received ${describeValue(record.type)}`;
  if (typeof record.seq !== 'number' || !Number.isSafeInteger(record.seq))
    return `expected an integer seq, received ${describeValue(record.seq)}`;
  if (typeof record.method !== 'string') return `expected a string method, received ${describeValue(record.method)}`;
  return { type: 'request', seq: record.seq, method: record.method, input: record.input };
}
