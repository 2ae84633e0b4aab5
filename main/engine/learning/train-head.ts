/**
 * Trains a softmax head on frozen feature vectors: multinomial logistic regression, class-balanced
 * (each class weighs the same whatever its count), with an L2 penalty whose strength is chosen by
 * stratified k-fold cross-validation (lowest balanced out-of-fold log-loss). All folds of all
 * candidate strengths are minimised together in one batched onnxruntime call per step.
 */
import { FieldmarkError } from '../../util/errors.js';
import { minimise, type LbfgsResult } from './lbfgs.js';
import { stratifiedFolds, stratifiedSubsample } from './folds.js';
import { SoftmaxObjective } from './objective-graph.js';
import type { SoftmaxHead } from './head.js';

export interface TrainingData {
  /** [rows, dim], rows L2-normalised (as the catalog stores them). */
  vectors: Float32Array;
  rows: number;
  dim: number;
  /** Class index of each row, in [0, classNames.length). */
  labels: Int32Array;
  classNames: string[];
}

export interface TrainOptions {
  /**
   * Candidate inverse regularisation strengths, as scikit-learn's C: the penalty is
   * lambda/2 |W|^2 with lambda = 1 / (C * training rows).
   */
  cGrid?: number[];
  folds?: number;
  /** Cross-validation (the choice of C) runs on a stratified subsample of at most this many rows. */
  cvRowLimit?: number;
  /** Also compute out-of-fold probabilities for every row (for label-mistake detection). */
  outOfFold?: boolean;
  maxIterations?: number;
  seed?: number;
  threads?: number;
  signal?: AbortSignal;
  /** Fraction done (0..1) and what is running. */
  onProgress?: (fraction: number, stage: string) => void;
}

export interface CvPoint {
  c: number;
  logLoss: number;
  accuracy: number;
}

export interface TrainResult {
  head: SoftmaxHead;
  c: number;
  folds: number;
  /** Out-of-fold top-1 accuracy at the chosen C (on the cross-validation rows). */
  cvAccuracy: number;
  cvCurve: CvPoint[];
  /** [rows, classes] out-of-fold probabilities of every row, when `outOfFold` was asked. */
  outOfFold: Float32Array | null;
  trainingRows: number;
  /** Batched objective evaluations of the cross-validation and of the final fit. */
  evaluations: { crossValidation: number; final: number };
}

export const DEFAULT_C_GRID = [0.3, 3, 30, 300];

interface HeadSpec {
  /** Per-row sample weight (0 = not trained on), summing to 1. */
  weight: Float32Array;
  lambda: number;
}

/** Class-balanced weights over the rows where `include` is true, summing to 1. */
function balancedWeights(
  labels: Int32Array,
  classCount: number,
  include: (row: number) => boolean,
): { weight: Float32Array; count: number } {
  const perClass = new Float64Array(classCount);
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!include(i)) continue;
    perClass[labels[i]!] = perClass[labels[i]!]! + 1;
    count += 1;
  }
  const present = perClass.filter((n) => n > 0).length;
  const weight = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (include(i)) weight[i] = 1 / (present * perClass[labels[i]!]!);
  return { weight, count };
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FieldmarkError('Cancelled', 'training was cancelled');
}

interface FittedHeads {
  params: Float64Array[];
  /** [rows, heads, classes] probabilities at the final parameters. */
  probabilities: Float32Array;
  /** Batched objective evaluations it took. */
  evaluations: number;
}

/** Minimises every head of `specs` in lockstep: one onnxruntime evaluation per L-BFGS step of all of them. */
async function fitHeads(
  objective: SoftmaxObjective,
  specs: HeadSpec[],
  options: { maxIterations: number; start?: Float64Array; signal?: AbortSignal; onStep?: (fraction: number) => void },
): Promise<FittedHeads> {
  const { dim: d, classCount: k, rows: n } = objective;
  const size = k * d + k;
  const generators = specs.map(() =>
    minimise(options.start ?? new Float64Array(size), {
      maxIterations: options.maxIterations,
      gradientTolerance: 1e-5,
      relativeTolerance: 1e-5,
    }),
  );
  const pending: (Float64Array | null)[] = generators.map((g) => g.next().value as Float64Array);
  const results: (LbfgsResult | null)[] = specs.map(() => null);
  const iterations = new Array<number>(specs.length).fill(0);

  const evaluate = async (heads: number[], points: Float64Array[]) => {
    const w = new Float32Array(heads.length * k * d);
    const b = new Float32Array(heads.length * k);
    const weight = new Float32Array(n * heads.length);
    heads.forEach((head, m) => {
      const x = points[m]!;
      for (let j = 0; j < k * d; j++) w[m * k * d + j] = x[j]!;
      for (let c = 0; c < k; c++) b[m * k + c] = x[k * d + c]!;
      const rowWeights = specs[head]!.weight;
      for (let i = 0; i < n; i++) weight[i * heads.length + m] = rowWeights[i]!;
    });
    return { out: await objective.evaluate(heads.length, w, b, weight), w };
  };

  let evaluations = 1;
  while (results.some((r) => r === null)) {
    checkCancelled(options.signal);
    evaluations += 1;
    const active = pending.flatMap((x, head) => (x ? [head] : []));
    const points = active.map((head) => pending[head]!);
    const { out } = await evaluate(active, points);
    active.forEach((head, m) => {
      const x = points[m]!;
      const lambda = specs[head]!.lambda;
      const gradient = new Float64Array(size);
      let penalty = 0;
      for (let j = 0; j < k * d; j++) {
        penalty += x[j]! * x[j]!;
        gradient[j] = out.gradW[m * k * d + j]! + lambda * x[j]!;
      }
      for (let c = 0; c < k; c++) gradient[k * d + c] = out.gradB[m * k + c]!;
      const step = generators[head]!.next({ value: out.loss[m]! + 0.5 * lambda * penalty, gradient });
      iterations[head]! += 1;
      if (step.done) {
        results[head] = step.value;
        pending[head] = null;
      } else {
        pending[head] = step.value;
      }
    });
    const budget = options.maxIterations * 2;
    options.onStep?.(
      iterations.reduce((sum, it, head) => sum + (results[head] ? 1 : Math.min(1, it / budget)), 0) / specs.length,
    );
  }
  const params = results.map((r) => r!.x);
  const heads = specs.map((_, head) => head);
  const { out } = await evaluate(heads, params);
  return { params, probabilities: Float32Array.from(out.probabilities), evaluations };
}

function toHead(params: Float64Array, classNames: string[], dim: number): SoftmaxHead {
  const k = classNames.length;
  return {
    classNames,
    dim,
    weights: Float32Array.from(params.subarray(0, k * dim)),
    bias: Float32Array.from(params.subarray(k * dim)),
  };
}

function gatherRows(data: TrainingData, rows: Int32Array): { vectors: Float32Array; labels: Int32Array } {
  const vectors = new Float32Array(rows.length * data.dim);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    vectors.set(data.vectors.subarray(row * data.dim, (row + 1) * data.dim), i * data.dim);
    labels[i] = data.labels[row]!;
  });
  return { vectors, labels };
}

/** Out-of-fold probabilities [rows, K] from fold heads laid out as [rows, folds, K]. */
function outOfFoldFrom(
  probabilities: Float32Array,
  foldOf: Int32Array,
  _folds: number,
  k: number,
  headOffset: number,
  heads: number,
): Float32Array {
  const rows = foldOf.length;
  const out = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const head = headOffset + foldOf[i]!;
    out.set(probabilities.subarray((i * heads + head) * k, (i * heads + head + 1) * k), i * k);
  }
  return out;
}

function scoreOutOfFold(oof: Float32Array, labels: Int32Array, k: number): { logLoss: number; accuracy: number } {
  const perClass = new Float64Array(k);
  for (const label of labels) perClass[label] = perClass[label]! + 1;
  const present = perClass.filter((n) => n > 0).length;
  let logLoss = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const p = oof[i * k + y]!;
    logLoss += -Math.log(Math.max(p, 1e-12)) / (present * perClass[y]!);
    let best = 0;
    for (let c = 1; c < k; c++) if (oof[i * k + c]! > oof[i * k + best]!) best = c;
    if (best === y) correct += 1;
  }
  return { logLoss, accuracy: correct / labels.length };
}

/**
 * Trains the head. @throws FieldmarkError InvalidArgument when a class has fewer than 2 rows or
 * there are fewer than 2 classes; Cancelled when `signal` aborts.
 */
export async function trainHead(data: TrainingData, options: TrainOptions = {}): Promise<TrainResult> {
  const k = data.classNames.length;
  const counts = new Int32Array(k);
  for (let i = 0; i < data.rows; i++) counts[data.labels[i]!] = counts[data.labels[i]!]! + 1;
  if (k < 2) throw new FieldmarkError('InvalidArgument', `training needs at least 2 labels, received ${k}`);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    const name = data.classNames[counts.indexOf(smallest)];
    throw new FieldmarkError(
      'InvalidArgument',
      `every label needs at least 2 labelled images for cross-validation; "${name}" has ${smallest}`,
    );
  }
  const grid = options.cGrid ?? DEFAULT_C_GRID;
  const folds = Math.max(2, Math.min(options.folds ?? 5, smallest));
  const maxIterations = options.maxIterations ?? 100;
  // The final fit starts from the folds' average, so it needs fewer steps to the same tolerance.
  const finalIterations = Math.ceil(maxIterations / 2);
  const progress = options.onProgress ?? (() => {});
  const seed = options.seed ?? 1;

  // 1. Choose C by cross-validation on (a subsample of) the rows.
  const cvRows = stratifiedSubsample(data.labels, options.cvRowLimit ?? 1500, seed);
  const cv = gatherRows(data, cvRows);
  const cvFold = stratifiedFolds(cv.labels, folds, seed);
  const cvObjective = await SoftmaxObjective.create(cv.vectors, cvRows.length, data.dim, cv.labels, k, options.threads);
  const specs: HeadSpec[] = [];
  for (const c of grid) {
    for (let f = 0; f < folds; f++) {
      const { weight, count } = balancedWeights(cv.labels, k, (row) => cvFold[row] !== f);
      specs.push({ weight, lambda: 1 / (c * count) });
    }
  }
  let cvFit: FittedHeads;
  try {
    cvFit = await fitHeads(cvObjective, specs, {
      maxIterations,
      ...(options.signal ? { signal: options.signal } : {}),
      onStep: (f) => progress(0.6 * f, 'cross-validation'),
    });
  } finally {
    await cvObjective.release();
  }
  const cvCurve: CvPoint[] = grid.map((c, g) => {
    const oof = outOfFoldFrom(cvFit.probabilities, cvFold, folds, k, g * folds, specs.length);
    return { c, ...scoreOutOfFold(oof, cv.labels, k) };
  });
  // Lowest log-loss; within 0.1% of it, the stronger penalty (smaller C) is the safer choice.
  const bestLoss = Math.min(...cvCurve.map((p) => p.logLoss));
  const chosenIndex = cvCurve.findIndex((p) => p.logLoss <= bestLoss * 1.001);
  const chosen = cvCurve[chosenIndex]!;
  // The fold heads at the chosen C average to a close starting point for the final fit (same C,
  // so the same scale of weights): it then needs a fraction of the iterations.
  const start = new Float64Array(cvFit.params[0]!.length);
  for (let f = 0; f < folds; f++) {
    const params = cvFit.params[chosenIndex * folds + f]!;
    for (let j = 0; j < start.length; j++) start[j] = start[j]! + params[j]! / folds;
  }

  // 2. The final head on every row at the chosen C, and (if asked) out-of-fold heads over all rows.
  checkCancelled(options.signal);
  const allCovered = cvRows.length === data.rows;
  const allFold = allCovered ? cvFold : stratifiedFolds(data.labels, folds, seed);
  const finalSpecs: HeadSpec[] = [];
  const full = balancedWeights(data.labels, k, () => true);
  finalSpecs.push({ weight: full.weight, lambda: 1 / (chosen.c * full.count) });
  const needFoldHeads = options.outOfFold === true && !allCovered;
  if (needFoldHeads) {
    for (let f = 0; f < folds; f++) {
      const { weight, count } = balancedWeights(data.labels, k, (row) => allFold[row] !== f);
      finalSpecs.push({ weight, lambda: 1 / (chosen.c * count) });
    }
  }
  const fullObjective = await SoftmaxObjective.create(
    data.vectors,
    data.rows,
    data.dim,
    data.labels,
    k,
    options.threads,
  );
  let finalFit: FittedHeads;
  try {
    finalFit = await fitHeads(fullObjective, finalSpecs, {
      maxIterations: finalIterations,
      start,
      ...(options.signal ? { signal: options.signal } : {}),
      onStep: (f) => progress(0.6 + 0.4 * f, 'final fit'),
    });
  } finally {
    await fullObjective.release();
  }
  let outOfFold: Float32Array | null = null;
  if (options.outOfFold) {
    outOfFold = needFoldHeads
      ? outOfFoldFrom(finalFit.probabilities, allFold, folds, k, 1, finalSpecs.length)
      : outOfFoldFrom(cvFit.probabilities, cvFold, folds, k, chosenIndex * folds, specs.length);
  }
  progress(1, 'done');
  return {
    head: toHead(finalFit.params[0]!, data.classNames, data.dim),
    c: chosen.c,
    folds,
    cvAccuracy: chosen.accuracy,
    cvCurve,
    outOfFold,
    trainingRows: data.rows,
    evaluations: { crossValidation: cvFit.evaluations, final: finalFit.evaluations },
  };
}
