/**
 * The near-duplicate graph: every image's few nearest neighbours (a self-join, through the HNSW
 * index above a few thousand images, exactly below), kept where the similarity is at or above the
 * threshold, made symmetric (a pair found from either side is one edge). Never an all-pairs scan.
 */
import { exactSelfJoin } from './exact-search.js';
import type { FeatureStore } from './feature-store.js';
import type { HnswIndex } from './hnsw-index.js';

/** Neighbours looked at per image; a burst of more shots is completed from neighbours' neighbours (star-groups.ts). */
export const SELF_JOIN_K = 8;
/** Below this many images the exact self-join (n^2 dot products in usearch) takes under a second. */
export const EXACT_SELF_JOIN_MAX = 5000;
const BATCH = 4096;

/** Symmetric near-duplicate edges in compressed rows: row r's neighbours are neighbours[offsets[r]..offsets[r+1]). */
export interface DuplicateGraph {
  /** Rows of the feature store. */
  size: number;
  /** Neighbours looked at per row. */
  k: number;
  offsets: Int32Array;
  neighbours: Int32Array;
  /** The similarity of each edge, in the same order as `neighbours`. */
  scores: Float32Array;
  /** How many of the row's own k nearest were at or above the threshold (k: there may be more beyond). */
  ownCount: Uint8Array;
}

export function duplicateGraph(
  store: FeatureStore,
  index: HnswIndex | null,
  threshold: number,
  threads = 0,
): DuplicateGraph {
  const n = store.size;
  const k = Math.min(SELF_JOIN_K, Math.max(0, n - 1));
  const edges = new DirectedEdges(n * (k + 1), n);
  const add = (a: number, b: number, score: number) => {
    if (a !== b && score >= threshold) edges.push(a, b, score);
  };
  if (n < 2) return edges.symmetric(k);
  if (!index || n <= EXACT_SELF_JOIN_MAX) {
    const join = exactSelfJoin(store, k, threads);
    for (let q = 0; q < n; q++)
      for (let j = 0; j < k; j++) {
        const row = join.rows[q * k + j]!;
        if (row >= 0) add(q, row, join.scores[q * k + j]!);
      }
    return edges.symmetric(k);
  }
  for (let from = 0; from < n; from += BATCH) {
    const to = Math.min(n, from + BATCH);
    // k + 1: the image itself is usually its own nearest neighbour.
    const found = index.searchBatch(
      store.vectors.subarray(from * store.dim, to * store.dim),
      to - from,
      k + 1,
      threads,
    );
    for (let q = 0; q < to - from; q++)
      for (let j = 0; j <= k; j++) {
        const key = found.keys[q * (k + 1) + j]!;
        const row = key < 0 ? undefined : store.row(key);
        if (row !== undefined) add(from + q, row, found.scores[q * (k + 1) + j]!);
      }
  }
  return edges.symmetric(k);
}

/** Edges as found (a pair may come from both sides), in typed arrays: 100,000 x 9 of them stay cheap. */
class DirectedEdges {
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  private readonly score: Float32Array;
  private count = 0;

  constructor(
    capacity: number,
    private readonly size: number,
  ) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.score = new Float32Array(capacity);
  }

  push(a: number, b: number, score: number): void {
    this.from[this.count] = a;
    this.to[this.count] = b;
    this.score[this.count] = score;
    this.count += 1;
  }

  /** Each edge in both rows' lists, once (a pair found from both sides is not listed twice). */
  symmetric(k: number): DuplicateGraph {
    const n = this.size;
    const ownCount = new Uint8Array(n);
    const degree = new Int32Array(n + 1);
    for (let e = 0; e < this.count; e++) {
      ownCount[this.from[e]!] = ownCount[this.from[e]!]! + 1;
      degree[this.from[e]!] = degree[this.from[e]!]! + 1;
      degree[this.to[e]!] = degree[this.to[e]!]! + 1;
    }
    const start = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) start[r + 1] = start[r]! + degree[r]!;
    const fill = start.slice(0, n);
    const neighbours = new Int32Array(start[n]!);
    const scores = new Float32Array(start[n]!);
    const place = (a: number, b: number, score: number) => {
      neighbours[fill[a]!] = b;
      scores[fill[a]!] = score;
      fill[a] = fill[a]! + 1;
    };
    for (let e = 0; e < this.count; e++) {
      place(this.from[e]!, this.to[e]!, this.score[e]!);
      place(this.to[e]!, this.from[e]!, this.score[e]!);
    }
    // Drop repeats in place, row by row, with a stamp per neighbour.
    const stamp = new Int32Array(n).fill(-1);
    const offsets = new Int32Array(n + 1);
    let write = 0;
    for (let r = 0; r < n; r++) {
      offsets[r] = write;
      for (let i = start[r]!; i < start[r + 1]!; i++) {
        const b = neighbours[i]!;
        if (stamp[b] === r) continue;
        stamp[b] = r;
        neighbours[write] = b;
        scores[write] = scores[i]!;
        write += 1;
      }
    }
    offsets[n] = write;
    return {
      size: n,
      k,
      offsets,
      neighbours: neighbours.subarray(0, write),
      scores: scores.subarray(0, write),
      ownCount,
    };
  }
}
