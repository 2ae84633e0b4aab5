/**
 * Plain-JS exact nearest neighbours over unit vectors (cosine = dot product): the reference the
 * tests check the usearch searches against, and the benchmark's baseline (~160 ms for one query
 * over 100k x 2048). The engine itself searches with exact-search.ts / hnsw-index.ts.
 */
export interface FeatureMatrixView {
  imageIds: ArrayLike<number>;
  dim: number;
  vectors: Float32Array;
}

export interface Neighbour {
  imageId: number;
  score: number;
}

/** The `k` rows most similar to `query` (a unit vector of length dim), best first; `excludeImageId` is left out. */
export function nearestNeighbours(
  matrix: FeatureMatrixView,
  query: Float32Array,
  k: number,
  excludeImageId?: number,
): Neighbour[] {
  const { dim, vectors, imageIds } = matrix;
  const best: Neighbour[] = [];
  for (let row = 0; row < imageIds.length; row++) {
    const imageId = imageIds[row]!;
    if (imageId === excludeImageId) continue;
    let score = 0;
    const offset = row * dim;
    for (let i = 0; i < dim; i++) score += vectors[offset + i]! * query[i]!;
    if (best.length === k && score <= best[k - 1]!.score) continue;
    let at = Math.min(best.length, k - 1);
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { imageId, score });
    if (best.length > k) best.pop();
  }
  return best;
}
