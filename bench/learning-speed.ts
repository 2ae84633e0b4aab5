/**
 * Training speed: a softmax head on 10,000 synthetic unit vectors of 2048 dimensions (10
 * clustered classes), the whole job (cross-validation of C + final fit) in the worker thread;
 * and, as the in-run baseline, one objective + gradient evaluation in plain JS loops against the
 * same evaluation in onnxruntime (what the trainer uses).
 */
import { trainInWorker } from '../main/engine/learning/train-client.js';
import { SoftmaxObjective } from '../main/engine/learning/objective-graph.js';
import { seededRandom } from '../main/engine/learning/folds.js';

export interface SpeedFigures {
  rows: number;
  dim: number;
  classes: number;
  trainSeconds: number;
  cvAccuracy: number;
  chosenC: number;
  jsEvaluationMs: number;
  onnxEvaluationMs: number;
}

function syntheticData(rows: number, dim: number, classes: number): { vectors: Float32Array; labels: Int32Array } {
  const random = seededRandom(7);
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: dim }, () => random() - 0.5));
  const vectors = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    labels[i] = c;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = centres[c]![j]! * 0.15 + (random() - 0.5);
      vectors[i * dim + j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = vectors[i * dim + j]! / norm;
  }
  return { vectors, labels };
}

/** One weighted cross-entropy value and gradient for one head, in plain JS (the baseline). */
function jsEvaluation(
  vectors: Float32Array,
  labels: Int32Array,
  rows: number,
  dim: number,
  k: number,
  w: Float32Array,
): number {
  const gradient = new Float64Array(k * dim);
  const logits = new Float64Array(k);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const x = vectors.subarray(i * dim, (i + 1) * dim);
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += w[c * dim + j]! * x[j]!;
      logits[c] = s;
      max = Math.max(max, s);
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[c]! - max);
    loss += -(logits[labels[i]!]! - max - Math.log(sum)) / rows;
    for (let c = 0; c < k; c++) {
      const r = (Math.exp(logits[c]! - max) / sum - (c === labels[i] ? 1 : 0)) / rows;
      for (let j = 0; j < dim; j++) gradient[c * dim + j] = gradient[c * dim + j]! + r * x[j]!;
    }
  }
  return loss + gradient[0]!;
}

export async function measureTrainingSpeed(rows = 10_000, dim = 2048, classes = 10): Promise<SpeedFigures> {
  const { vectors, labels } = syntheticData(rows, dim, classes);
  const classNames = Array.from({ length: classes }, (_, c) => `class ${c}`);
  const started = performance.now();
  const trained = await trainInWorker({ vectors, rows, dim, labels, classNames });
  const trainSeconds = (performance.now() - started) / 1000;

  const w = new Float32Array(classes * dim).fill(0.01);
  let t = performance.now();
  jsEvaluation(vectors, labels, rows, dim, classes, w);
  const jsEvaluationMs = performance.now() - t;
  const objective = await SoftmaxObjective.create(vectors, rows, dim, labels, classes);
  const weight = new Float32Array(rows).fill(1 / rows);
  await objective.evaluate(1, w, new Float32Array(classes), weight);
  t = performance.now();
  const repeats = 5;
  for (let r = 0; r < repeats; r++) await objective.evaluate(1, w, new Float32Array(classes), weight);
  const onnxEvaluationMs = (performance.now() - t) / repeats;
  await objective.release();
  return {
    rows,
    dim,
    classes,
    trainSeconds,
    cvAccuracy: trained.cvAccuracy,
    chosenC: trained.c,
    jsEvaluationMs,
    onnxEvaluationMs,
  };
}
