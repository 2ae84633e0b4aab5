/** Result and progress types of the int8 quantization requests (issue 11). */
import type { ErrorData } from '../util/errors.js';

export type QuantizeMethod = 'minmax' | 'percentile' | 'entropy';
export type QuantizePhaseName = 'prepare' | 'calibrate' | 'check' | 'measure' | 'write';

export interface QuantizeOutcome {
  /** The new model's id (`<id>-int8`), selectable in the model list. */
  id: string;
  path: string;
  top1Agreement: number;
  meanAbsDeltaTop1: number;
  featureRecallAt10: number | null;
  speedup: number | null;
  /** Set when agreement is under the threshold, with the method to try. */
  warning: string | null;
}

/** The one quantization job the app runs at a time (it takes every core). */
export interface QuantizeStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  modelId: string | null;
  method: QuantizeMethod | null;
  phase: QuantizePhaseName | null;
  done: number;
  total: number;
  outcome: QuantizeOutcome | null;
  error: ErrorData | null;
}

export const IDLE_QUANTIZE_STATUS: QuantizeStatus = {
  state: 'idle',
  modelId: null,
  method: null,
  phase: null,
  done: 0,
  total: 0,
  outcome: null,
  error: null,
};
