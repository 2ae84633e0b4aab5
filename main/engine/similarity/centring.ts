/**
 * Features are centred on the library's mean vector before cosine similarity. Pooled ReLU
 * features all point into the same orthant, so raw cosines bunch up near 1 (0.94-0.999 between
 * unrelated photos with untrained weights, measured); subtracting the mean spreads them out, so
 * one threshold separates near-duplicates from distinct photos, and rankings gain contrast
 * (the "all-but-the-top" observation, Mu & Viswanath 2018, first step).
 */
import { normalizeInPlace } from './query-vector.js';

/** The mean of the rows of a row-major matrix. */
export function meanVector(vectors: Float32Array, dim: number): Float32Array {
  const rows = vectors.length / dim;
  const sum = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let i = 0; i < dim; i++) sum[i] = sum[i]! + vectors[r * dim + i]!;
  return Float32Array.from(sum, (value) => (rows === 0 ? 0 : value / rows));
}

/** A copy of `vectors` with `mean` subtracted from each row and each row scaled to unit length. */
export function centreRows(vectors: Float32Array, dim: number, mean: Float32Array): Float32Array {
  const out = new Float32Array(vectors.length);
  const rows = vectors.length / dim;
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * dim, (r + 1) * dim);
    for (let i = 0; i < dim; i++) row[i] = vectors[r * dim + i]! - mean[i]!;
    normalizeInPlace(row);
  }
  return out;
}
