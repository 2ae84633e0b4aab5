/**
 * How far the int8 model is from the float one on held-out images: top-1 agreement, the mean
 * absolute change of the float model's top-1 probability, and recall@10 of cosine
 * nearest-neighbour search on the features (the int8 neighbours against the float ones).
 */
import { MODEL_FEATURES_OUTPUT, MODEL_INPUT_NAME, MODEL_PROBABILITIES_OUTPUT } from '../onnx/model-metadata.js';
import type { PreprocessSpec } from '../onnx/model-metadata.js';
import { prepareImages } from './calibration-images.js';
import { batchTensor, runBatch, type Session } from './session.js';

const CHECK_BATCH = 8;
/** Held-out images are decoded this many at a time, so a check on thousands of photos stays small in memory. */
const CHECK_CHUNK = 64;
const SPEED_SAMPLE = 8;
/** Recall is computed for at most this many query images (each against all checked images). */
const RECALL_QUERIES = 1000;
const RECALL_K = 10;

export interface ModelOutputs {
  top1: Int32Array;
  probabilities: Float32Array[];
  features: Float32Array[];
}

export interface AgreementReport {
  images: number;
  top1Agreement: number;
  meanAbsDeltaTop1: number;
  featureRecallAt10: number | null;
  fp32: ModelOutputs;
  int8: ModelOutputs;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Probabilities, top-1 and features of `session` for each image (batches of 8). */
export async function runOutputs(
  session: Session,
  images: Float32Array[],
  input: { height: number; width: number },
  onBatch?: (done: number) => void,
): Promise<ModelOutputs> {
  const outputs: ModelOutputs = { top1: new Int32Array(images.length), probabilities: [], features: [] };
  for (let start = 0; start < images.length; start += CHECK_BATCH) {
    const chunk = images.slice(start, start + CHECK_BATCH);
    const result = await runBatch(session, MODEL_INPUT_NAME, batchTensor(chunk, input.height, input.width), [
      MODEL_PROBABILITIES_OUTPUT,
      MODEL_FEATURES_OUTPUT,
    ]);
    const probs = result.get(MODEL_PROBABILITIES_OUTPUT) as Float32Array;
    const feats = result.get(MODEL_FEATURES_OUTPUT) as Float32Array;
    const classes = probs.length / chunk.length;
    const dim = feats.length / chunk.length;
    for (let i = 0; i < chunk.length; i += 1) {
      const p = probs.slice(i * classes, (i + 1) * classes);
      outputs.probabilities.push(p);
      outputs.features.push(feats.slice(i * dim, (i + 1) * dim));
      outputs.top1[start + i] = argmax(p);
    }
    onBatch?.(start + chunk.length);
  }
  return outputs;
}

function normalised(vectors: Float32Array[]): Float32Array[] {
  return vectors.map((v) => {
    let norm = 0;
    for (const x of v) norm += x * x;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return v.map((x) => x * inv);
  });
}

function topK(vectors: Float32Array[], query: number, k: number): Set<number> {
  const q = vectors[query] as Float32Array;
  const scored: Array<[number, number]> = [];
  vectors.forEach((v, j) => {
    if (j === query) return;
    let dot = 0;
    for (let d = 0; d < v.length; d += 1) dot += (v[d] as number) * (q[d] as number);
    scored.push([dot, j]);
  });
  scored.sort((a, b) => b[0] - a[0]);
  return new Set(scored.slice(0, k).map(([, j]) => j));
}

/** Mean fraction of each query's 10 float-feature neighbours that the int8 features also return (null under 11 images). */
export function featureRecallAtK(fp32: Float32Array[], int8: Float32Array[], k = RECALL_K): number | null {
  if (fp32.length <= k) return null;
  const a = normalised(fp32);
  const b = normalised(int8);
  const queries = Math.min(RECALL_QUERIES, a.length);
  let hits = 0;
  for (let query = 0; query < queries; query += 1) {
    const expected = topK(a, query, k);
    for (const j of topK(b, query, k)) if (expected.has(j)) hits += 1;
  }
  return hits / (queries * k);
}

/** Compares the two models' outputs image by image. */
export function compareOutputs(fp32: ModelOutputs, int8: ModelOutputs): AgreementReport {
  const n = fp32.top1.length;
  let agree = 0;
  let delta = 0;
  for (let i = 0; i < n; i += 1) {
    const top = fp32.top1[i] as number;
    if (int8.top1[i] === top) agree += 1;
    delta += Math.abs(
      ((fp32.probabilities[i] as Float32Array)[top] as number) -
        ((int8.probabilities[i] as Float32Array)[top] as number),
    );
  }
  return {
    images: n,
    top1Agreement: n > 0 ? agree / n : 0,
    meanAbsDeltaTop1: n > 0 ? delta / n : 0,
    featureRecallAt10: featureRecallAtK(fp32.features, int8.features),
    fp32,
    int8,
  };
}

/**
 * Decodes the held-out `files` chunk by chunk, runs both models on each chunk and compares them;
 * keeps the first few tensors as a sample for the speed measurement and profiling.
 */
export async function checkInChunks(
  files: string[],
  spec: PreprocessSpec,
  fp32: Session,
  int8: Session,
  onProgress?: (done: number) => void,
): Promise<{ report: AgreementReport; files: string[]; skipped: string[]; sample: Float32Array[] }> {
  const all: { fp32: ModelOutputs; int8: ModelOutputs } = { fp32: emptyOutputs(), int8: emptyOutputs() };
  const checked: string[] = [];
  const skipped: string[] = [];
  const sample: Float32Array[] = [];
  for (let start = 0; start < files.length; start += CHECK_CHUNK) {
    const prepared = await prepareImages(files.slice(start, start + CHECK_CHUNK), spec);
    checked.push(...prepared.files);
    skipped.push(...prepared.skipped);
    sample.push(...prepared.tensors.slice(0, SPEED_SAMPLE - sample.length));
    if (prepared.tensors.length > 0) {
      appendOutputs(all.fp32, await runOutputs(fp32, prepared.tensors, spec.input));
      appendOutputs(all.int8, await runOutputs(int8, prepared.tensors, spec.input));
    }
    onProgress?.(Math.min(files.length, start + CHECK_CHUNK));
  }
  return { report: compareOutputs(all.fp32, all.int8), files: checked, skipped, sample };
}

function emptyOutputs(): ModelOutputs {
  return { top1: new Int32Array(0), probabilities: [], features: [] };
}

function appendOutputs(into: ModelOutputs, more: ModelOutputs): void {
  const top1 = new Int32Array(into.top1.length + more.top1.length);
  top1.set(into.top1);
  top1.set(more.top1, into.top1.length);
  into.top1 = top1;
  into.probabilities.push(...more.probabilities);
  into.features.push(...more.features);
}
