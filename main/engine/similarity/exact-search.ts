/**
 * Exact nearest neighbours by inner product (= cosine on unit vectors) with usearch's SIMD
 * brute force: over the float32 rows, or over their int8 codes with a bound that proves the
 * answer exact (a quarter of the memory traffic at 100k x 2048).
 */
import usearch from 'usearch';
import type { FeatureStore, RowCodes } from './feature-store.js';

export interface Neighbour {
  imageId: number;
  score: number;
}

/**
 * The array itself when it starts at its buffer's start, else a copy: usearch 2.26's exactSearch
 * reads a typed array from the start of its buffer, ignoring byteOffset (a subarray view of row r
 * would be searched as row 0). Its Index methods handle views correctly.
 */
export function contiguous(vectors: Float32Array): Float32Array {
  return vectors.byteOffset === 0 ? vectors : vectors.slice();
}

/** Lets a search skip images (the query's own, ones outside the filters). */
export type Admit = (imageId: number) => boolean;

/** Candidates taken from the int8 scan per result wanted, before float32 rescoring. */
const RESCORE_FACTOR = 8;
const RESCORE_MIN = 256;
/** Past this share of the rows, rescoring in JS costs more than one float32 SIMD scan. */
const RESCORE_MAX_SHARE = 1 / 16;

/** The `k` best admitted rows for a unit `query`, best first. Fetches more when the filter rejects many. */
export function exactNeighbours(
  store: FeatureStore,
  query: Float32Array,
  k: number,
  admit: Admit | null,
  threads = 0,
): Neighbour[] {
  const n = store.size;
  if (n === 0 || k <= 0) return [];
  const codes = store.codes;
  const certified = codes ? certifiedThroughCodes(store, codes, query, k, admit, threads) : null;
  return certified ?? floatScan(store, query, k, admit, threads);
}

/** One SIMD scan of the float32 rows. */
function floatScan(store: FeatureStore, query: Float32Array, k: number, admit: Admit | null, threads: number) {
  const n = store.size;
  let want = Math.min(n, admit ? Math.max(k * 4, k + 64) : k);
  for (;;) {
    const found = usearch.exactSearch(
      contiguous(store.vectors),
      contiguous(query),
      store.dim,
      want,
      usearch.MetricKind.IP,
      threads,
    ) as InstanceType<typeof usearch.Matches>;
    const out: Neighbour[] = [];
    const ids = store.imageIds;
    for (let i = 0; i < found.keys.length && out.length < k; i++) {
      const imageId = ids[Number(found.keys[i]!)]!;
      if (admit && !admit(imageId)) continue;
      out.push({ imageId, score: 1 - found.distances[i]! });
    }
    if (out.length >= k || want >= n) return out;
    want = Math.min(n, want * 8);
  }
}

/**
 * Exact search through the int8 copy, a quarter of the memory traffic: the best candidates by
 * integer dot product, rescored in float32, and a proof that no other row can beat the k-th.
 * For a unit query q and a row x with codes x8 (x^ = x8/s, q^ = q8/s), the float score differs
 * from the int8 one by |q.x - q^.x^| <= |q| |x - x^| + |q - q^| |x^| <= bound. Every row left out
 * scored at most the last candidate's int8 score, so when the k-th rescored score is at least
 * that plus the bound, the answer is exact. Otherwise more candidates are taken; null (the caller
 * scans the floats) once that would cost more than a float scan.
 */
function certifiedThroughCodes(
  store: FeatureStore,
  codes: RowCodes,
  query: Float32Array,
  k: number,
  admit: Admit | null,
  threads: number,
): Neighbour[] | null {
  const n = store.size;
  const { dim, vectors } = store;
  const { scale } = codes;
  const q8 = Int8Array.from(query, (v) => Math.max(-127, Math.min(127, Math.round(v * scale))));
  let queryNorm = 0;
  let queryError = 0;
  for (let j = 0; j < dim; j++) {
    queryNorm += query[j]! * query[j]!;
    queryError += (query[j]! - q8[j]! / scale) ** 2;
  }
  const bound = Math.sqrt(queryNorm) * codes.errorMax + Math.sqrt(queryError) * codes.normMax;
  const values = codes.values.byteOffset === 0 ? codes.values : codes.values.slice();
  const ids = store.imageIds;
  let want = Math.min(n, Math.max(k * RESCORE_FACTOR, RESCORE_MIN));
  for (;;) {
    const found = usearch.exactSearch(values, q8, dim, want, usearch.MetricKind.IP, threads) as InstanceType<
      typeof usearch.Matches
    >;
    const out: Neighbour[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      const row = Number(found.keys[i]!);
      const imageId = ids[row]!;
      if (admit && !admit(imageId)) continue;
      let score = 0;
      for (let j = 0; j < dim; j++) score += vectors[row * dim + j]! * query[j]!;
      out.push({ imageId, score });
    }
    out.sort((a, b) => b.score - a.score);
    // Every row was a candidate: nothing was left out.
    if (want >= n || found.keys.length < want) return out.slice(0, k);
    // usearch reports 1 - (int8 dot product) for int8 rows.
    const lastCodeScore = (1 - found.distances[found.keys.length - 1]!) / (scale * scale);
    if (out.length >= k && out[k - 1]!.score >= lastCodeScore + bound) return out.slice(0, k);
    want = Math.min(n, want * 8);
    if (want < n && want > n * RESCORE_MAX_SHARE) return null;
  }
}

/** Exact k nearest neighbours of every row of `store` (itself excluded), for small self-joins. */
export function exactSelfJoin(
  store: FeatureStore,
  k: number,
  threads = 0,
): { rows: Int32Array; scores: Float32Array; k: number } {
  const n = store.size;
  const take = Math.min(n, k + 1);
  const dataset = contiguous(store.vectors);
  const found = usearch.exactSearch(dataset, dataset, store.dim, take, usearch.MetricKind.IP, threads);
  const batch = found as InstanceType<typeof usearch.BatchMatches> | InstanceType<typeof usearch.Matches>;
  const rows = new Int32Array(n * k).fill(-1);
  const scores = new Float32Array(n * k);
  for (let q = 0; q < n; q++) {
    let written = 0;
    for (let j = 0; j < take && written < k; j++) {
      const at = q * take + j;
      const row = Number(batch.keys[at]!);
      if (row === q) continue;
      rows[q * k + written] = row;
      scores[q * k + written] = 1 - batch.distances[at]!;
      written += 1;
    }
  }
  return { rows, scores, k };
}
