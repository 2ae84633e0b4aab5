/**
 * The training worker thread: runs trainHead off the main thread (the app stays responsive; the
 * CLI shows progress), reports progress, and stops at the next step when cancelled.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../util/errors.js';
import { trainHead } from './train-head.js';
import type { TrainReply, TrainRequest } from './train-protocol.js';

const port = parentPort;
if (!port) throw new Error('train-worker.js must run as a worker thread');
const controller = new AbortController();
const send = (reply: TrainReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

port.on('message', (request: TrainRequest) => {
  switch (request.type) {
    case 'cancel':
      controller.abort();
      return;
    case 'train':
      trainHead(request.data, {
        ...request.options,
        signal: controller.signal,
        onProgress: (fraction, stage) => send({ type: 'progress', fraction, stage }),
      })
        .then((result) => {
          const transfer = [
            result.head.weights.buffer,
            result.head.bias.buffer,
            ...(result.outOfFold ? [result.outOfFold.buffer] : []),
          ] as ArrayBuffer[];
          send({ type: 'done', result }, transfer);
        })
        .catch((error: unknown) => send({ type: 'error', error: toErrorData(error) }));
      return;
    default:
      request satisfies never;
  }
});
