/**
 * 2-D maps of a library's features: PCA (the first two principal axes, by power iteration on a
 * sample; instant) and UMAP (umap-js on a sample of at most UMAP_SAMPLE images; every other image
 * is placed at the similarity-weighted mean of its nearest sampled images, so 100k points cost a
 * 5k-point UMAP plus one batched exact search).
 */
import { mulberry32 } from '../../util/seeded-random.js';
import usearch from 'usearch';
import { UMAP } from 'umap-js';
import type { FeatureStore } from './feature-store.js';

export const PCA_SAMPLE = 5000;
export const UMAP_SAMPLE = 5000;
const PLACE_K = 5;

/** A deterministic PRNG (mulberry32), so the same library gives the same map. */
export const seededRandom: (seed: number) => () => number = mulberry32;

/** Row indices of an evenly spread sample of at most `max` rows. */
function sampleRows(n: number, max: number): Int32Array {
  const count = Math.min(n, max);
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) rows[i] = Math.floor((i * n) / count);
  return rows;
}

/** x, y per row of the store (length 2n) on the first two principal axes. */
export function pcaProjection(store: FeatureStore): Float32Array {
  const { dim, vectors, size: n } = store;
  const out = new Float32Array(n * 2);
  if (n === 0) return out;
  const rows = sampleRows(n, PCA_SAMPLE);
  const mean = new Float64Array(dim);
  for (const row of rows) for (let i = 0; i < dim; i++) mean[i] = mean[i]! + vectors[row * dim + i]! / rows.length;
  const random = seededRandom(1);
  const axes: Float64Array[] = [];
  for (let axis = 0; axis < 2; axis++) {
    let v: Float64Array = Float64Array.from({ length: dim }, () => random() - 0.5);
    for (let iteration = 0; iteration < 30; iteration++) {
      const next = new Float64Array(dim);
      for (const row of rows) {
        let projected = 0;
        for (let i = 0; i < dim; i++) projected += (vectors[row * dim + i]! - mean[i]!) * v[i]!;
        for (let i = 0; i < dim; i++) next[i] = next[i]! + projected * (vectors[row * dim + i]! - mean[i]!);
      }
      for (const previous of axes) {
        let along = 0;
        for (let i = 0; i < dim; i++) along += next[i]! * previous[i]!;
        for (let i = 0; i < dim; i++) next[i] = next[i]! - along * previous[i]!;
      }
      let norm = 0;
      for (let i = 0; i < dim; i++) norm += next[i]! * next[i]!;
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      for (let i = 0; i < dim; i++) next[i] = next[i]! / norm;
      v = next;
    }
    axes.push(v);
  }
  for (let row = 0; row < n; row++) {
    for (let axis = 0; axis < 2; axis++) {
      let value = 0;
      for (let i = 0; i < dim; i++) value += (vectors[row * dim + i]! - mean[i]!) * axes[axis]![i]!;
      out[row * 2 + axis] = value;
    }
  }
  return out;
}

/** x, y per row of the store (length 2n) from UMAP; `yieldEvery` lets a worker answer between epochs. */
export async function umapProjection(
  store: FeatureStore,
  options: { epochs?: number; onEpoch?: () => Promise<void> } = {},
): Promise<Float32Array> {
  const { dim, vectors, size: n } = store;
  const out = new Float32Array(n * 2);
  if (n < 3) return pcaProjection(store);
  const rows = sampleRows(n, UMAP_SAMPLE);
  const data: number[][] = Array.from(rows, (row) => Array.from(vectors.subarray(row * dim, (row + 1) * dim)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(15, rows.length - 1),
    minDist: 0.1,
    nEpochs: options.epochs ?? 200,
    random: seededRandom(7),
  });
  const epochs = umap.initializeFit(data);
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    if (options.onEpoch && epoch % 10 === 0) await options.onEpoch();
  }
  const embedding = umap.getEmbedding();
  const sampled = new Uint8Array(n);
  for (let i = 0; i < rows.length; i++) {
    out[rows[i]! * 2] = embedding[i]![0]!;
    out[rows[i]! * 2 + 1] = embedding[i]![1]!;
    sampled[rows[i]!] = 1;
  }
  if (rows.length === n) return out;
  // The rest: weighted mean of the nearest sampled points' coordinates.
  const sampleVectors = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => sampleVectors.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim));
  const rest = [];
  for (let row = 0; row < n; row++) if (!sampled[row]) rest.push(row);
  const k = Math.min(PLACE_K, rows.length);
  for (let from = 0; from < rest.length; from += 2048) {
    const chunk = rest.slice(from, from + 2048);
    const queries = new Float32Array(chunk.length * dim);
    chunk.forEach((row, i) => queries.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim));
    const found = usearch.exactSearch(sampleVectors, queries, dim, k, usearch.MetricKind.IP, 0);
    for (let q = 0; q < chunk.length; q++) {
      let x = 0;
      let y = 0;
      let total = 0;
      for (let j = 0; j < k; j++) {
        const at = q * k + j;
        const weight = Math.max(1e-3, 1 - found.distances[at]!);
        const s = Number(found.keys[at]!);
        x += weight * embedding[s]![0]!;
        y += weight * embedding[s]![1]!;
        total += weight;
      }
      out[chunk[q]! * 2] = x / total;
      out[chunk[q]! * 2 + 1] = y / total;
    }
    if (options.onEpoch) await options.onEpoch();
  }
  return out;
}
