/**
 * Entry of the desktop app's engine process (an Electron utilityProcess, issue 12): the same
 * engine runtime as the worker thread of `serve` (host/engine-runtime.ts), over the utility
 * process's parentPort. Imports nothing of electron at run time; the dialog and the trash stay on
 * the main process, which answers this process's host requests (engine-utility-host.ts).
 */
import type {} from 'electron'; // the types of process.parentPort
import { isClientMessage } from '../host/engine-protocol.js';
import { runEngine } from '../host/engine-runtime.js';

const port = process.parentPort;

runEngine(
  {
    // Electron's parentPort transfers only MessagePorts: buffers are copied by structured clone.
    post: (message) => port.postMessage(message),
    onMessage: (listener) =>
      port.on('message', (event) => {
        if (isClientMessage(event.data)) listener(event.data);
        else
          port.postMessage({
            type: 'log',
            message: 'fieldmark engine: ignored a message that is not of the host protocol',
          });
      }),
  },
  // The main process waits for the reply to `close`, then this process ends on its own.
  () => process.exit(0),
);
