/**
 * A trained softmax head: logits = W x + b on the L2-normalised pooled features of its base
 * model, probabilities = softmax(logits). The same arithmetic runs here (applying the head to
 * stored features) and in the exported ONNX graph (LpNormalization, Gemm, Softmax).
 */

export interface SoftmaxHead {
  classNames: string[];
  dim: number;
  /** [classes, dim], row-major (the layout of Gemm's B with transB=1). */
  weights: Float32Array;
  bias: Float32Array;
}

/** Row `row` of `vectors` scaled to unit length, as the catalog stores features (a zero row stays zero). */
export function normalisedRow(vectors: Float32Array, row: number, dim: number): Float32Array {
  const out = vectors.slice(row * dim, (row + 1) * dim);
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += out[i]! * out[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < dim; i++) out[i] = out[i]! / norm;
  return out;
}

/** Softmax of `logits` in place (max-shifted, so large logits do not overflow). */
export function softmaxInPlace(logits: Float64Array | Float32Array): void {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    logits[i] = Math.exp(logits[i]! - max);
    sum += logits[i]!;
  }
  for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! / sum;
}

/**
 * Probabilities [rows, classes] of the head for `rows` feature vectors (row-major, [rows, dim]).
 * Rows are normalised here unless `normalised` says the caller already did (catalog features are).
 */
export function headProbabilities(
  head: SoftmaxHead,
  vectors: Float32Array,
  rows: number,
  normalised: boolean,
): Float32Array {
  const k = head.classNames.length;
  const d = head.dim;
  const out = new Float32Array(rows * k);
  const logits = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const x = normalised ? vectors.subarray(r * d, (r + 1) * d) : normalisedRow(vectors, r, d);
    for (let c = 0; c < k; c++) {
      let s = head.bias[c]!;
      const offset = c * d;
      for (let i = 0; i < d; i++) s += head.weights[offset + i]! * x[i]!;
      logits[c] = s;
    }
    softmaxInPlace(logits);
    for (let c = 0; c < k; c++) out[r * k + c] = logits[c]!;
  }
  return out;
}
