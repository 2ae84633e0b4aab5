/**
 * Near-duplicate groups: the near-duplicate graph of a self-join (duplicate-pairs.ts) cut into
 * groups around centres, so that every member is within the threshold of its group's first photo
 * (star-groups.ts: no chaining), largest groups first. Never an all-pairs scan at library scale.
 */
import { duplicateGraph } from './duplicate-pairs.js';
import type { FeatureStore } from './feature-store.js';
import type { HnswIndex } from './hnsw-index.js';
import { starGroups } from './star-groups.js';

/**
 * Centred cosine similarity above which two photos count as near-duplicates by default. Measured with
 * the pretrained CIFAR-10 ResNet-20: resized, recompressed and 4%-cropped copies score 0.80-0.99 with
 * their original, 24 distinct ImageNet photos at most 0.745 with each other.
 */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.8;

export interface DuplicateGroup {
  /** Members, the group's centre first (the photo every other member is a near-duplicate of). */
  imageIds: number[];
  /** Each member's similarity to the first one (1 for the first). */
  scores: number[];
  /** Lowest similarity of a member to the group's first one (how tight the group is). */
  minScore: number;
}

export function findDuplicateGroups(
  store: FeatureStore,
  index: HnswIndex | null,
  threshold: number,
  threads = 0,
): DuplicateGroup[] {
  const graph = duplicateGraph(store, index, threshold, threads);
  const { dim, vectors, imageIds } = store;
  const similarity = (a: number, b: number) => dotRows(vectors, a, b, dim);
  return starGroups(graph, threshold, similarity)
    .map((group) => ({
      imageIds: group.rows.map((row) => imageIds[row]!),
      scores: group.scores,
      minScore: Math.min(...group.scores),
    }))
    .sort((a, b) => b.imageIds.length - a.imageIds.length || b.minScore - a.minScore);
}

function dotRows(vectors: Float32Array, a: number, b: number, dim: number): number {
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += vectors[a * dim + i]! * vectors[b * dim + i]!;
  return sum;
}
