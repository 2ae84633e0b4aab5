/**
 * The approximate index (usearch HNSW, inner product on unit vectors) over a FeatureStore: built
 * incrementally in chunks so a worker can answer queries between chunks, saved beside the
 * catalog with a small JSON note of which ids it holds, and rebuilt when that note no longer
 * matches the store (missing or stale).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import usearch, { type ScalarKind } from 'usearch';
import { FieldmarkError } from '../../util/errors.js';
import type { Admit, Neighbour } from './exact-search.js';
import type { FeatureStore } from './feature-store.js';

export interface HnswParams {
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  /** Storage of the vectors inside the index: f32, or f16/i8 to fit a million rows in memory. */
  quantization: 'f32' | 'f16' | 'i8';
}

/** usearch's defaults for M and efConstruction; ef 128 measured recall@10 >= 0.97 on real-image features (bench/similarity.ts). */
export const DEFAULT_HNSW: HnswParams = {
  connectivity: 16,
  expansionAdd: 128,
  expansionSearch: 128,
  quantization: 'f32',
};

/** The mean vector the stored features were centred on, and how many vectors it was computed from. */
export interface Centring {
  mean: Float32Array;
  basis: number;
}

interface SavedNote {
  dim: number;
  params: HnswParams;
  basis: number;
  mean: number[];
}

type UsearchIndex = InstanceType<typeof usearch.Index>;

export class HnswIndex {
  private readonly index: UsearchIndex;

  constructor(
    readonly dim: number,
    readonly params: HnswParams = DEFAULT_HNSW,
  ) {
    this.index = new usearch.Index({
      dimensions: dim,
      metric: usearch.MetricKind.IP,
      quantization: params.quantization as ScalarKind,
      connectivity: params.connectivity,
      expansion_add: params.expansionAdd,
      expansion_search: params.expansionSearch,
      multi: false,
    });
  }

  get size(): number {
    return this.index.size();
  }

  /** Which of `imageIds` the index holds. */
  containsAll(imageIds: Int32Array): boolean[] {
    if (imageIds.length === 0) return [];
    const keys = new BigUint64Array(imageIds.length);
    for (let i = 0; i < imageIds.length; i++) keys[i] = BigInt(imageIds[i]!);
    const found = this.index.contains(keys);
    return Array.isArray(found) ? found : [found];
  }

  /** Adds (or replaces) the given rows of the store. */
  addRowList(store: FeatureStore, rows: readonly number[], threads = 0): void {
    if (rows.length === 0) return;
    const { dim } = store;
    const ids = new Int32Array(rows.length);
    const vectors = new Float32Array(rows.length * dim);
    rows.forEach((row, i) => {
      ids[i] = store.imageIds[row]!;
      vectors.set(store.vectors.subarray(row * dim, (row + 1) * dim), i * dim);
    });
    this.addVectors(ids, vectors, threads);
  }

  /** Adds (or replaces) rows `from..to` of the store. */
  addRows(store: FeatureStore, from: number, to: number, threads = 0): void {
    if (to <= from) return;
    this.addVectors(
      store.imageIds.subarray(from, to),
      store.vectors.subarray(from * store.dim, to * store.dim),
      threads,
    );
  }

  private addVectors(ids: Int32Array, vectors: Float32Array, threads: number): void {
    const keys = new BigUint64Array(ids.length);
    for (let i = 0; i < ids.length; i++) keys[i] = BigInt(ids[i]!);
    const present = this.index.contains(keys) as boolean[] | boolean;
    const existing = Array.isArray(present)
      ? keys.filter((_, i) => present[i])
      : present
        ? keys
        : new BigUint64Array(0);
    if (existing.length > 0) this.index.remove(existing);
    this.index.add(keys, vectors, threads);
  }

  /** The k best admitted images for a unit query, best first; oversamples when a filter is given. */
  search(query: Float32Array, k: number, admit: Admit | null, threads = 0): Neighbour[] {
    const size = this.size;
    if (size === 0) return [];
    let want = Math.min(size, admit ? Math.max(k * 4, k + 64) : k);
    for (;;) {
      const found = this.index.search(query, want, threads);
      const out: Neighbour[] = [];
      for (let i = 0; i < found.keys.length && out.length < k; i++) {
        const imageId = Number(found.keys[i]!);
        if (admit && !admit(imageId)) continue;
        out.push({ imageId, score: 1 - found.distances[i]! });
      }
      if (out.length >= k || want >= size || want >= 4096) return out;
      want = Math.min(size, want * 8);
    }
  }

  /** k neighbours of many queries at once (usearch spreads them over threads): keys and scores, `k` per query, -1 where fewer. */
  searchBatch(
    queries: Float32Array,
    count: number,
    k: number,
    threads = 0,
  ): { keys: Float64Array; scores: Float32Array } {
    const keys = new Float64Array(count * k).fill(-1);
    const scores = new Float32Array(count * k);
    if (count === 0) return { keys, scores };
    const found = this.index.search(queries, k, threads) as
      | InstanceType<typeof usearch.BatchMatches>
      | InstanceType<typeof usearch.Matches>;
    const counts = 'counts' in found ? found.counts : null;
    for (let q = 0; q < count; q++) {
      const got = counts ? Number(counts[q]!) : found.keys.length;
      for (let j = 0; j < got && j < k; j++) {
        keys[q * k + j] = Number(found.keys[q * k + j]!);
        scores[q * k + j] = 1 - found.distances[q * k + j]!;
      }
    }
    return { keys, scores };
  }

  /** Writes the index and its note (the centring mean it was built with), through temporary files renamed into place. */
  save(path: string, centring: Centring): void {
    this.index.save(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
    const note: SavedNote = {
      dim: this.dim,
      params: this.params,
      basis: centring.basis,
      mean: Array.from(centring.mean),
    };
    writeFileSync(`${path}.json.tmp`, JSON.stringify(note));
    renameSync(`${path}.json.tmp`, `${path}.json`);
  }

  /**
   * The saved index at `path` with the centring it was built with, or null when it is missing or
   * was built for another dimension or parameters (the caller rebuilds). Rows added to the
   * library since it was saved are the caller's to add.
   * @throws FieldmarkError CatalogCorrupt when the index file cannot be read
   */
  static loadSaved(path: string, dim: number, params: HnswParams): { index: HnswIndex; centring: Centring } | null {
    if (!existsSync(path) || !existsSync(`${path}.json`)) return null;
    let note: SavedNote;
    try {
      note = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as SavedNote;
    } catch (error) {
      // A torn note is the same as a missing one: the index is rebuilt.
      process.emitWarning(`fieldmark: ignoring unreadable index note ${path}.json: ${(error as Error).message}`);
      return null;
    }
    if (note.dim !== dim || JSON.stringify(note.params) !== JSON.stringify(params) || note.mean?.length !== dim)
      return null;
    const index = new HnswIndex(dim, params);
    try {
      index.index.load(path);
    } catch (error) {
      throw new FieldmarkError(
        'CatalogCorrupt',
        `similarity index ${path} cannot be read (${(error as Error).message}); delete it to rebuild`,
      );
    }
    return { index, centring: { mean: Float32Array.from(note.mean), basis: note.basis } };
  }
}
