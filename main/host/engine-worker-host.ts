/**
 * Starts the engine in a worker thread (`serve`, the CLI, the tests) and returns its client once
 * the AppService is built. Electron uses a utility process instead (electron/engine-utility-host.ts),
 * over the same protocol.
 */
import { startSiblingWorker } from '../util/code-layout.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import { EngineClient, type EngineClientOptions } from './engine-client.js';
import {
  isEngineMessage,
  type ClientMessage,
  type EngineInit,
  type EngineMessage,
  type MessageChannelEnd,
} from './engine-protocol.js';

/**
 * Waits for the engine's `ready` (or `init-failed`) after sending `init`; shared by both hosts.
 * @throws FieldmarkError with the engine's kind when its AppService cannot be built
 */
export function handshake(
  channel: MessageChannelEnd<ClientMessage, EngineMessage>,
  init: EngineInit,
  exited: Promise<string>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    channel.onMessage((message) => {
      if (settled) return;
      if (message.type === 'ready') {
        settled = true;
        resolve();
      } else if (message.type === 'init-failed') {
        settled = true;
        reject(new FieldmarkError(message.error.kind, message.error.message));
      }
    });
    void exited.then((reason) => {
      if (settled) return;
      settled = true;
      reject(new FieldmarkError('Internal', `the engine stopped before it was ready: ${reason}`));
    });
    channel.post({ type: 'init', init });
  });
}

/** @throws FieldmarkError when the engine cannot start */
export async function startEngineWorker(init: EngineInit, options: EngineClientOptions): Promise<EngineClient> {
  // The engine's own env (FIELDMARK_* folders of a test) must reach libraries that read process.env there.
  const worker = startSiblingWorker(import.meta.url, 'engine-worker', { env: init.env as Record<string, string> });
  const listeners: ((message: EngineMessage) => void)[] = [];
  worker.on('message', (message: unknown) => {
    if (!isEngineMessage(message))
      return options.log('fieldmark: ignored a message from the engine that is not of the host protocol');
    for (const listener of listeners) listener(message);
  });
  const channel: MessageChannelEnd<ClientMessage, EngineMessage> = {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (listener) => void listeners.push(listener),
  };
  const exited = new Promise<string>((resolve) => {
    worker.on('error', (error) => {
      options.log(`fieldmark: the engine worker failed: ${toErrorData(error).message}`);
      resolve(toErrorData(error).message);
    });
    worker.on('exit', (code) => resolve(`the worker exited with code ${code}`));
  });
  try {
    await handshake(channel, init, exited);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return new EngineClient(channel, { terminate: async () => void (await worker.terminate()), exited }, options);
}
