/**
 * `models.quantize` and `models.quantizeStatus`: one int8 quantization at a time, in a worker
 * thread; progress goes out as `quantize` events (at most ~5 a second), and the new model then
 * shows in `models.list`.
 */
import type { AppEvent } from '../contract/events.js';
import { IDLE_QUANTIZE_STATUS, type QuantizeStatus } from '../contract/quantize-types.js';
import type { RequestHandlers } from '../contract/requests.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import { quantizeInWorker } from '../zoo/quantize/quantize-client.js';

const PROGRESS_INTERVAL_MS = 200;

export function createQuantizeHandlers(
  emit: (event: AppEvent) => void,
  env: NodeJS.ProcessEnv,
  log?: (message: string) => void,
): Pick<RequestHandlers, 'models.quantize' | 'models.quantizeStatus'> {
  let status: QuantizeStatus = IDLE_QUANTIZE_STATUS;
  let lastEmit = 0;
  const update = (next: QuantizeStatus, force: boolean): void => {
    status = next;
    const now = Date.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    emit({ type: 'quantize', status });
  };
  return {
    'models.quantize': ({ modelId, calibrationFolder, images, method }) => {
      if (status.state === 'running') {
        throw new FieldmarkError(
          'InvalidArgument',
          `models.quantize: expected no quantization running, received one for ${status.modelId ?? 'a model'} still in progress`,
        );
      }
      const chosen = method ?? 'minmax';
      update({ ...IDLE_QUANTIZE_STATUS, state: 'running', modelId, method: chosen }, true);
      quantizeInWorker(
        {
          model: modelId,
          calibrationFolder,
          method: chosen,
          env: { ...env },
          ...(images === undefined ? {} : { images }),
        },
        (progress) =>
          update(
            { ...status, phase: progress.phase, done: progress.done, total: progress.total },
            progress.done === progress.total,
          ),
      ).then(
        (outcome) => update({ ...status, state: 'done', outcome }, true),
        (error: unknown) => {
          log?.(`fieldmark: quantizing ${modelId} failed: ${(error as Error).message}`);
          update({ ...status, state: 'failed', error: toErrorData(error) }, true);
        },
      );
      return status;
    },
    'models.quantizeStatus': () => status,
  };
}
