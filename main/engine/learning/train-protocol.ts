/** Messages between the training client and its worker thread. */
import type { ErrorData } from '../../util/errors.js';
import type { TrainOptions, TrainResult, TrainingData } from './train-head.js';

export type TrainRequest =
  | { type: 'train'; data: TrainingData; options: Omit<TrainOptions, 'signal' | 'onProgress'> }
  | { type: 'cancel' };

export type TrainReply =
  | { type: 'progress'; fraction: number; stage: string }
  | { type: 'done'; result: TrainResult }
  | { type: 'error'; error: ErrorData };
