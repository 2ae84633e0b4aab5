/** Runs head training in a worker thread, with progress and cancellation. */
import { startSiblingWorker } from '../../util/code-layout.js';
import { FieldmarkError } from '../../util/errors.js';
import type { TrainOptions, TrainResult, TrainingData } from './train-head.js';
import type { TrainReply, TrainRequest } from './train-protocol.js';

export type WorkerTrainOptions = Omit<TrainOptions, 'onProgress'> & {
  onProgress?: (fraction: number, stage: string) => void;
};

/**
 * Trains in a worker; the promise settles when it finishes, fails or is cancelled by `signal`.
 * @throws FieldmarkError Cancelled, InvalidArgument (see trainHead), Internal when the worker dies.
 */
export function trainInWorker(data: TrainingData, options: WorkerTrainOptions = {}): Promise<TrainResult> {
  const { signal, onProgress, ...plain } = options;
  if (signal?.aborted) return Promise.reject(new FieldmarkError('Cancelled', 'training was cancelled'));
  const worker = startSiblingWorker(import.meta.url, 'train-worker');
  return new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      outcome();
      void worker.terminate();
    };
    const onAbort = () => worker.postMessage({ type: 'cancel' } satisfies TrainRequest);
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (reply: TrainReply) => {
      switch (reply.type) {
        case 'progress':
          onProgress?.(reply.fraction, reply.stage);
          return;
        case 'done':
          finish(() => resolve(reply.result));
          return;
        case 'error':
          finish(() => reject(new FieldmarkError(reply.error.kind, reply.error.message)));
          return;
        default:
          reply satisfies never;
      }
    });
    worker.on('error', (error) =>
      finish(() =>
        reject(new FieldmarkError('Internal', `training worker failed: ${error.message}`, { cause: error })),
      ),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new FieldmarkError('Internal', `training worker exited with code ${code} before finishing`))),
    );
    worker.postMessage({ type: 'train', data, options: plain } satisfies TrainRequest);
  });
}
