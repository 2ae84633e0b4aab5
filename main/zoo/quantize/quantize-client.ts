/** Runs `quantizeModel` in a worker thread (quantize-worker.ts) and reports its progress. */
import { startSiblingWorker } from '../../util/code-layout.js';
import type { QuantizeOutcome } from '../../contract/quantize-types.js';
import { FieldmarkError } from '../../util/errors.js';
import type { QuantizeWorkerReply, QuantizeWorkerRequest } from './quantize-protocol.js';
import type { QuantizeProgress } from './quantize-model.js';

/**
 * The outcome of quantizing in a worker; `onProgress` is called on this thread.
 * @throws FieldmarkError with the worker's error kind, or Internal when the worker dies.
 */
export function quantizeInWorker(
  request: QuantizeWorkerRequest,
  onProgress: (progress: QuantizeProgress) => void,
): Promise<QuantizeOutcome> {
  return new Promise((resolve, reject) => {
    const worker = startSiblingWorker(import.meta.url, 'quantize-worker', { workerData: request });
    let settled = false;
    worker.on('message', (message: QuantizeWorkerReply) => {
      switch (message.type) {
        case 'progress':
          onProgress(message.progress);
          return;
        case 'done':
          settled = true;
          resolve(message.outcome);
          return;
        case 'failed':
          settled = true;
          reject(new FieldmarkError(message.error.kind, message.error.message));
          return;
        default:
          message satisfies never;
      }
    });
    worker.on('error', (error) => {
      if (!settled)
        reject(new FieldmarkError('Internal', `the quantize worker failed: ${error.message}`, { cause: error }));
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled)
        reject(new FieldmarkError('Internal', `the quantize worker exited with code ${code} before finishing`));
    });
  });
}
