/** Result types of the learning requests (issue 10): training from labels, evaluation, propagation. */
import type { ErrorData } from '../util/errors.js';

export interface TrainOutcome {
  /** The new model's id and file; the app switches to it when training succeeds. */
  modelId: string;
  path: string;
  classNames: string[];
  trainingLabels: number;
  cvAccuracy: number;
  /** Images given a prediction from their stored features (no second backbone pass). */
  predicted: number;
  seconds: number;
}

export interface TrainStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  /** 0..1 while running. */
  fraction: number;
  stage: string;
  outcome: TrainOutcome | null;
  error: ErrorData | null;
}

export const IDLE_TRAIN_STATUS: TrainStatus = { state: 'idle', fraction: 0, stage: '', outcome: null, error: null };

export interface EvaluationClass {
  label: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationReport {
  modelId: string;
  /** Images with a label of the user's and a prediction of the model. */
  count: number;
  top1: number;
  top5: number;
  macroF1: number;
  ece: number;
  /** Row = true label, column = predicted label, both in `classes` order. */
  classes: string[];
  confusion: number[][];
  perClass: EvaluationClass[];
  reliability: { lower: number; upper: number; count: number; confidence: number; accuracy: number }[];
  /** The current model's class index of each predicted name, for "show these images" (grid filter). */
  classIndex: Record<string, number>;
}

/** A labelled image whose label the cross-validated head and the neighbours disagree with. */
export interface SuspectItem {
  imageId: number;
  relPath: string;
  label: string;
  suggested: string;
  /** 0..1, higher is more likely wrong. */
  score: number;
}

export interface PropagationSummary {
  suggested: number;
  written: number;
}
