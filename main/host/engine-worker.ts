/**
 * Entry of the engine worker thread (`serve`, the CLI, the tests): the engine runtime over the
 * worker's parentPort. Started by engine-worker-host.ts.
 */
import { parentPort } from 'node:worker_threads';
import { isClientMessage } from './engine-protocol.js';
import { runEngine } from './engine-runtime.js';

const port = parentPort;
if (!port) throw new Error('engine-worker.js must run in a worker thread (see engine-worker-host.ts)');

runEngine(
  {
    post: (message, transfer) => port.postMessage(message, transfer ?? []),
    onMessage: (listener) =>
      port.on('message', (message: unknown) => {
        if (isClientMessage(message)) listener(message);
        else
          port.postMessage({
            type: 'log',
            message: 'fieldmark engine: ignored a message that is not of the host protocol',
          });
      }),
  },
  // Closing the port lets the thread end on its own once the engine's handles are gone.
  () => port.close(),
);
