/** Messages between the quantize worker and its client. */
import type { QuantizeOutcome } from '../../contract/quantize-types.js';
import type { ErrorData } from '../../util/errors.js';
import type { CalibrationMethod } from './calibration-stats.js';
import type { QuantizeProgress } from './quantize-model.js';

/** The worker's options (structured-cloned as workerData, so no callbacks). */
export interface QuantizeWorkerRequest {
  model: string;
  calibrationFolder: string;
  images?: number;
  method?: CalibrationMethod;
  env: Record<string, string | undefined>;
}

export type QuantizeWorkerReply =
  | { type: 'progress'; progress: QuantizeProgress }
  | { type: 'done'; outcome: QuantizeOutcome }
  | { type: 'failed'; error: ErrorData };
