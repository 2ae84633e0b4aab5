/** Turning a batch's raw outputs into what the catalog stores: top-k classes and unit feature vectors. */

export interface ClassProbability {
  index: number;
  prob: number;
}

/** The k most probable classes of row `row` in a [rows, classCount] matrix, highest first (ties: lower index first). */
export function topK(probabilities: Float32Array, row: number, classCount: number, k: number): ClassProbability[] {
  const start = row * classCount;
  const take = Math.min(k, classCount);
  const best: ClassProbability[] = [];
  for (let i = 0; i < classCount; i++) {
    const prob = probabilities[start + i]!;
    if (best.length === take && prob <= best[take - 1]!.prob) continue;
    let at = best.length < take ? best.length : take - 1;
    while (at > 0 && best[at - 1]!.prob < prob) at--;
    best.splice(at, 0, { index: i, prob });
    if (best.length > take) best.pop();
  }
  return best;
}

/** Row `row` of a [rows, dim] matrix scaled to unit L2 norm (a zero vector stays zero). */
export function l2NormalizedRow(matrix: Float32Array, row: number, dim: number): Float32Array {
  const vector = matrix.slice(row * dim, (row + 1) * dim);
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < dim; i++) vector[i] = vector[i]! / norm;
  return vector;
}
