/**
 * Starts the desktop app's engine in an Electron utilityProcess (engine-utility.ts) and returns
 * the same client as `serve`'s worker thread (host/engine-client.ts), so IPC, the protocol handler
 * and the menu only route. Cannot run in CI (no Electron binary): the worker path tests the shared
 * protocol and runtime; this file is type-checked against Electron's types.
 */
import { utilityProcess } from 'electron';
import { fileURLToPath } from 'node:url';
import { EngineClient, type EngineClientOptions } from '../host/engine-client.js';
import {
  isEngineMessage,
  type ClientMessage,
  type EngineInit,
  type EngineMessage,
  type MessageChannelEnd,
} from '../host/engine-protocol.js';
import { handshake } from '../host/engine-worker-host.js';

const ENTRY = fileURLToPath(new URL('./engine-utility.js', import.meta.url));

/** @throws FieldmarkError when the engine cannot start. Call after the app's `ready` event. */
export async function startEngineUtility(init: EngineInit, options: EngineClientOptions): Promise<EngineClient> {
  const child = utilityProcess.fork(ENTRY, [], {
    env: init.env,
    serviceName: 'Fieldmark engine',
    stdio: 'inherit',
  });
  const listeners: ((message: EngineMessage) => void)[] = [];
  child.on('message', (message: unknown) => {
    if (!isEngineMessage(message))
      return options.log('fieldmark: ignored a message from the engine that is not of the host protocol');
    for (const listener of listeners) listener(message);
  });
  const channel: MessageChannelEnd<ClientMessage, EngineMessage> = {
    post: (message) => child.postMessage(message),
    onMessage: (listener) => void listeners.push(listener),
  };
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code) => resolve(`the engine process exited with code ${code}`));
  });
  const terminate = async () => {
    if (child.pid === undefined) return; // already gone
    child.kill();
    await exited;
  };
  try {
    await handshake(channel, init, exited);
  } catch (error) {
    await terminate();
    throw error;
  }
  return new EngineClient(channel, { terminate, exited }, options);
}
