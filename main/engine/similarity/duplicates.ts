/**
 * Near-duplicate groups: every image's few nearest neighbours (a self-join, through the HNSW
 * index above a few thousand images, exactly below), pairs at or above the threshold joined
 * with union-find, largest groups first. Never an all-pairs scan at library scale.
 */
import { exactSelfJoin } from './exact-search.js';
import type { FeatureStore } from './feature-store.js';
import type { HnswIndex } from './hnsw-index.js';
import { UnionFind } from './union-find.js';

/**
 * Centred cosine similarity above which two photos count as near-duplicates by default. Measured with
 * the pretrained CIFAR-10 ResNet-20: resized, recompressed and 4%-cropped copies score 0.80-0.99 with
 * their original, 24 distinct ImageNet photos at most 0.745 with each other.
 */
export const DEFAULT_DUPLICATE_THRESHOLD = 0.8;
/** Neighbours looked at per image: bursts of more than this many shots still join through their members' links. */
export const SELF_JOIN_K = 8;
/** Below this many images the exact self-join (n^2 dot products in usearch) takes under a second. */
export const EXACT_SELF_JOIN_MAX = 5000;
const BATCH = 4096;

export interface DuplicateGroup {
  /** Members, the one most similar to the rest first. */
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
  const n = store.size;
  if (n < 2) return [];
  const sets = new UnionFind(n);
  const k = Math.min(SELF_JOIN_K, n - 1);
  if (!index || n <= EXACT_SELF_JOIN_MAX) {
    const join = exactSelfJoin(store, k, threads);
    for (let q = 0; q < n; q++) {
      for (let j = 0; j < k; j++) {
        const row = join.rows[q * k + j]!;
        if (row >= 0 && join.scores[q * k + j]! >= threshold) sets.union(q, row);
      }
    }
  } else {
    for (let from = 0; from < n; from += BATCH) {
      const to = Math.min(n, from + BATCH);
      const found = index.searchBatch(
        store.vectors.subarray(from * store.dim, to * store.dim),
        to - from,
        k + 1,
        threads,
      );
      for (let q = 0; q < to - from; q++) {
        for (let j = 0; j <= k; j++) {
          const key = found.keys[q * (k + 1) + j]!;
          if (key < 0 || found.scores[q * (k + 1) + j]! < threshold) continue;
          const row = store.row(key);
          if (row !== undefined && row !== from + q) sets.union(from + q, row);
        }
      }
    }
  }
  const ids = store.imageIds;
  return sets
    .groups(2)
    .map((rows) => orderGroup(store, rows, ids))
    .sort((a, b) => b.imageIds.length - a.imageIds.length || b.minScore - a.minScore);
}

/** Puts the member with the highest mean similarity to the others first (the group's medoid). */
function orderGroup(store: FeatureStore, rows: number[], ids: Int32Array): DuplicateGroup {
  const { dim, vectors } = store;
  const sample = rows.slice(0, 64); // big groups: a sample of members is enough to pick a medoid
  const meanScore = (row: number): number => {
    let sum = 0;
    for (const other of sample) if (other !== row) sum += dotRows(vectors, row, other, dim);
    return sum / Math.max(1, sample.length - (sample.includes(row) ? 1 : 0));
  };
  const scored = rows.map((row) => ({ row, mean: meanScore(row) })).sort((a, b) => b.mean - a.mean);
  const first = scored[0]!.row;
  const scores = scored.map(({ row }) => (row === first ? 1 : Math.min(1, dotRows(vectors, first, row, dim))));
  return { imageIds: scored.map(({ row }) => ids[row]!), scores, minScore: Math.min(...scores) };
}

function dotRows(vectors: Float32Array, a: number, b: number, dim: number): number {
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += vectors[a * dim + i]! * vectors[b * dim + i]!;
  return sum;
}
