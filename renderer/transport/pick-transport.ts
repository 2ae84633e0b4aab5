/** Chooses the transport: the preload's bridge inside Electron, the WebSocket in a browser. */
import type { FieldmarkBridge } from '../../main/contract/bridge.js';
import { createIpcTransport } from './ipc-transport.js';
import type { Transport } from './transport.js';
import { createWebSocketTransport } from './ws-transport.js';

declare global {
  interface Window {
    fieldmark?: FieldmarkBridge;
  }
}

export function pickTransport(): Transport {
  if (window.fieldmark) return createIpcTransport(window.fieldmark);
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWebSocketTransport(`${scheme}//${window.location.host}/ws`);
}
