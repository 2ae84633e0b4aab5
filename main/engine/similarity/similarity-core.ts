/**
 * The similarity engine for one library and model: the feature store, the exact and approximate
 * searches, near-duplicate grouping and the 2-D maps. Synchronous and single-threaded by design:
 * the app runs it inside a worker (similarity-worker.ts); the CLI, which serves no UI, uses it
 * directly.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Catalog } from '../catalog/index.js';
import { FieldmarkError } from '../../util/errors.js';
import { exactNeighbours, type Admit, type Neighbour } from './exact-search.js';
import { FeatureStore } from './feature-store.js';
import { DEFAULT_HNSW, HnswIndex, type Centring, type HnswParams } from './hnsw-index.js';
import { centreRows, meanVector } from './centring.js';
import { combineQuery } from './query-vector.js';
import { EXACT_SELF_JOIN_MAX } from './duplicate-pairs.js';
import { findDuplicateGroups, type DuplicateGroup } from './duplicates.js';
import { pcaProjection, umapProjection } from './projection.js';

/** Above this many vectors queries use the HNSW index (exact search over 20k x 2048 takes ~5 ms; the index pays off beyond). */
export const DEFAULT_APPROXIMATE_MIN = 20_000;
/**
 * From this many floats on (about 8,000 x 2048), exact search scans an int8 copy first and
 * rescores in float32: a quarter of the memory traffic (100k x 2048: ~25 ms instead of ~85 ms per
 * query on the busy 2-core machine, bench/similarity.ts), 25% more memory.
 */
export const INT8_SCAN_MIN_FLOATS = 16_000_000;
/** Rows added to the index per step, so a worker answers queries between steps. */
const INDEX_STEP_ROWS = 2000;

export interface SimilarFilter {
  /** Only images without a label. */
  unlabelled?: boolean;
  classIndex?: number;
  minConfidence?: number;
  maxConfidence?: number;
}

export interface SimilarQuery {
  /** Library images to look like (their stored vectors). */
  positives: number[];
  /** Unit vectors of outside photos (run through the model, not added). */
  outside?: Float32Array[];
  /** Library images to look unlike. */
  negatives?: number[];
  top: number;
  /** Only results at or above this cosine similarity. */
  threshold?: number;
  filter?: SimilarFilter;
  /** Only these images (the grid's current filters, resolved by the caller). */
  allowedIds?: ArrayLike<number>;
  method?: 'auto' | 'exact' | 'approximate';
}

export interface SimilarAnswer {
  neighbours: Neighbour[];
  method: 'exact' | 'approximate';
  /** How many vectors were searched. */
  searched: number;
}

export interface CoreOptions {
  catalog: Catalog;
  libraryId: number;
  modelRowId: number;
  /** Where the index and the map are saved (file name prefix, beside the catalog); null keeps them in memory. */
  savePrefix: string | null;
  approximateMin?: number;
  hnsw?: HnswParams;
  /** Floats from which exact search uses the int8 pre-scan (tests lower it). */
  int8ScanMin?: number;
}

export interface Projection {
  kind: 'pca' | 'umap';
  imageIds: Int32Array;
  /** x, y per image. */
  xy: Float32Array;
}

/** Below this many vectors the centring mean is recomputed each time the library doubles; above, it is stable enough to keep. */
const RECENTRE_BELOW = 50_000;

export class SimilarityCore {
  store: FeatureStore;
  private centring: Centring;
  private index: HnswIndex | null = null;
  /** Rows of the store not yet in `index` (all of them while there is no index). */
  private pendingRows: number[] = [];
  private readonly approximateMin: number;
  private readonly hnsw: HnswParams;
  private umapCache: Projection | null = null;

  /** @throws FieldmarkError NotFound for an unknown model row, CatalogCorrupt for an unreadable saved index */
  constructor(private readonly options: CoreOptions) {
    this.approximateMin = options.approximateMin ?? DEFAULT_APPROXIMATE_MIN;
    this.hnsw = options.hnsw ?? DEFAULT_HNSW;
    const matrix = options.catalog.features(options.libraryId, options.modelRowId);
    const saved =
      options.savePrefix && matrix.imageIds.length >= this.approximateMin
        ? HnswIndex.loadSaved(this.indexPath()!, matrix.dim, this.hnsw)
        : null;
    this.centring = saved?.centring ?? { mean: meanVector(matrix.vectors, matrix.dim), basis: matrix.imageIds.length };
    this.store = FeatureStore.from(
      matrix.imageIds,
      matrix.dim,
      centreRows(matrix.vectors, matrix.dim, this.centring.mean),
    );
    this.useCodesIfLarge();
    if (saved) {
      this.index = saved.index;
      const present = saved.index.containsAll(this.store.imageIds);
      this.pendingRows = present.flatMap((inIndex, row) => (inIndex ? [] : [row]));
    } else {
      this.pendingRows = Array.from({ length: this.store.size }, (_, row) => row);
    }
  }

  /** Adds a batch of new raw unit vectors (from the indexing job). */
  add(imageIds: ArrayLike<number>, vectors: Float32Array): void {
    const dim = this.store.dim;
    if (
      this.centring.basis < RECENTRE_BELOW &&
      this.store.size + imageIds.length >= 2 * Math.max(1, this.centring.basis)
    ) {
      this.recentre();
      return;
    }
    for (let i = 0; i < imageIds.length; i++) {
      const id = imageIds[i]!;
      this.store.upsert([id], centreRows(vectors.subarray(i * dim, (i + 1) * dim), dim, this.centring.mean));
      this.pendingRows.push(this.store.row(id)!);
    }
    this.useCodesIfLarge();
    this.umapCache = null;
  }

  private useCodesIfLarge(): void {
    if (this.store.size * this.store.dim >= (this.options.int8ScanMin ?? INT8_SCAN_MIN_FLOATS))
      this.store.enableCodes();
  }

  /** Recomputes the mean from the catalog and starts the index again (the library doubled while small). */
  private recentre(): void {
    const matrix = this.options.catalog.features(this.options.libraryId, this.options.modelRowId);
    this.centring = { mean: meanVector(matrix.vectors, matrix.dim), basis: matrix.imageIds.length };
    this.store = FeatureStore.from(
      matrix.imageIds,
      matrix.dim,
      centreRows(matrix.vectors, matrix.dim, this.centring.mean),
    );
    this.useCodesIfLarge();
    this.index = null;
    this.pendingRows = Array.from({ length: this.store.size }, (_, row) => row);
    this.umapCache = null;
  }

  /** A raw unit vector (an outside photo's) centred like the stored ones. */
  centre(vector: Float32Array): Float32Array {
    return centreRows(vector, this.store.dim, this.centring.mean);
  }

  /** Whether the approximate index still has rows to take in (for the worker's background loop). */
  get indexBehind(): boolean {
    return this.store.size >= this.approximateMin && (this.index === null || this.pendingRows.length > 0);
  }

  /** Adds up to `rows` rows to the index (creating it); saves it when it catches up. Returns whether more is left. */
  indexStep(rows = INDEX_STEP_ROWS): boolean {
    if (!this.indexBehind) return false;
    this.index ??= new HnswIndex(this.store.dim, this.hnsw);
    const batch = this.pendingRows.splice(0, rows);
    this.index.addRowList(this.store, batch);
    const path = this.indexPath();
    if (this.pendingRows.length === 0 && path) this.index.save(path, this.centring);
    return this.pendingRows.length > 0;
  }

  /** Builds the index to the end at once (the CLI and the benchmark). */
  buildIndex(): void {
    if (!this.indexReady) this.forceIndex();
  }

  get indexedCount(): number {
    return this.index ? this.store.size - this.pendingRows.length : 0;
  }

  private get indexReady(): boolean {
    return this.index !== null && this.pendingRows.length === 0;
  }

  private indexPath(): string | null {
    return this.options.savePrefix ? `${this.options.savePrefix}.hnsw` : null;
  }

  /** Vector of an image of the library. @throws FieldmarkError NotFound when it has none */
  vectorOf(imageId: number): Float32Array {
    const vector = this.store.vector(imageId);
    if (!vector)
      throw new FieldmarkError(
        'NotFound',
        `image ${imageId} has no feature vector for this model (not indexed yet, or it failed)`,
      );
    return vector;
  }

  /** Ranked neighbours for a query (see SimilarQuery). @throws FieldmarkError NotFound / InvalidArgument */
  search(query: SimilarQuery): SimilarAnswer {
    const positives = [
      ...query.positives.map((id) => this.vectorOf(id)),
      ...(query.outside ?? []).map((v) => this.centre(v)),
    ];
    const negatives = (query.negatives ?? []).map((id) => this.vectorOf(id));
    const vector = combineQuery(positives, negatives, this.store.dim);
    const excluded = new Set([...query.positives, ...(query.negatives ?? [])]);
    let allowed = query.filter ? this.allowedIds(query.filter) : null;
    if (query.allowedIds) {
      const given = new Set(Array.from(query.allowedIds));
      allowed = allowed ? new Set([...allowed].filter((id) => given.has(id))) : given;
    }
    const admit: Admit | null =
      excluded.size === 0 && !allowed ? null : (id) => !excluded.has(id) && (allowed === null || allowed.has(id));
    if (query.method === 'approximate' && !this.indexReady) this.forceIndex();
    const useIndex =
      query.method === 'approximate' ||
      (query.method !== 'exact' && this.indexReady && this.store.size >= this.approximateMin);
    let neighbours = useIndex
      ? this.index!.search(vector, query.top, admit)
      : exactNeighbours(this.store, vector, query.top, admit);
    if (query.threshold !== undefined) neighbours = neighbours.filter((n) => n.score >= query.threshold!);
    return { neighbours, method: useIndex ? 'approximate' : 'exact', searched: this.store.size };
  }

  /** Near-duplicate groups at a cosine threshold, largest first (self-join through the index at scale). */
  duplicates(threshold: number): DuplicateGroup[] {
    if (this.store.size > EXACT_SELF_JOIN_MAX && !this.indexReady) this.forceIndex();
    return findDuplicateGroups(this.store, this.indexReady ? this.index : null, threshold);
  }

  pca(): Projection {
    return { kind: 'pca', imageIds: this.store.imageIds.slice(), xy: pcaProjection(this.store) };
  }

  /** The UMAP map, from memory, from its saved file when it matches, or computed (then saved). */
  async umap(onEpoch?: () => Promise<void>): Promise<Projection> {
    if (this.umapCache && this.umapCache.imageIds.length === this.store.size) return this.umapCache;
    const file = this.options.savePrefix ? `${this.options.savePrefix}.umap` : null;
    const checksum = this.store.idsChecksum();
    if (file && existsSync(file) && existsSync(`${file}.json`)) {
      const note = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { checksum: string };
      if (note.checksum === checksum) {
        const bytes = readFileSync(file);
        const xy = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        if (xy.length === this.store.size * 2)
          return (this.umapCache = { kind: 'umap', imageIds: this.store.imageIds.slice(), xy });
      }
    }
    const imageIds = this.store.imageIds.slice();
    const xy = await umapProjection(this.store, onEpoch ? { onEpoch } : {});
    this.umapCache = { kind: 'umap', imageIds, xy };
    if (file) {
      writeFileSync(`${file}.tmp`, new Uint8Array(xy.buffer, xy.byteOffset, xy.byteLength));
      renameSync(`${file}.tmp`, file);
      writeFileSync(`${file}.json`, JSON.stringify({ checksum }));
    }
    return this.umapCache;
  }

  /** Builds the whole index now, whatever the library's size (the approximate method was asked for, or a self-join at scale). */
  private forceIndex(): void {
    this.index ??= new HnswIndex(this.store.dim, this.hnsw);
    while (this.pendingRows.length > 0) this.index.addRowList(this.store, this.pendingRows.splice(0, 50_000));
    const path = this.indexPath();
    if (path) this.index.save(path, this.centring);
  }

  /** Ids that pass the filters (class and confidence of this model's top-1, no label). */
  private allowedIds(filter: SimilarFilter): Set<number> {
    const page = this.options.catalog.listImages({
      libraryId: this.options.libraryId,
      modelRowId: this.options.modelRowId,
      status: 'ok',
      ...(filter.classIndex === undefined ? {} : { classIndex: filter.classIndex }),
      ...(filter.minConfidence === undefined ? {} : { minConfidence: filter.minConfidence }),
      ...(filter.maxConfidence === undefined ? {} : { maxConfidence: filter.maxConfidence }),
    });
    return new Set(page.items.filter((item) => !filter.unlabelled || item.label === null).map((item) => item.id));
  }
}

/** The file name prefix of a library's saved similarity files: beside the catalog, one set per model row. */
export function similarityFilePrefix(catalogPath: string, modelRowId: number): string {
  return `${catalogPath}.similarity-m${modelRowId}`;
}
