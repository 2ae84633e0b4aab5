/**
 * A library's catalog: one SQLite file. Open it writable once per process (the one writer;
 * every write method is one transaction) and read-only for any number of readers (WAL lets
 * them read while the writer commits).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../util/errors.js';
import { openDatabase, toCatalogError } from './open-database.js';
import { withCatalogErrors } from './catalog-errors.js';
import { checkCatalogFile, migrateCatalog } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { SqlRunner } from './sql-runner.js';
import * as writes from './writes.js';
import * as imageQueries from './image-queries.js';
import { listItemsByIds } from './list-by-ids.js';
import * as summaryQueries from './summary-queries.js';
import * as scanStore from './scan-store.js';
import { CatalogLabels } from './catalog-labels.js';
import { refreshSortDates } from './sort-date-zone.js';
import { checkLabelText, checkSource } from '../labels/label-validate.js';
import * as predictionQueries from './prediction-queries.js';
import { writeDerivedResults, type DerivedPrediction } from './derived-results.js';
import type { ModelRow } from './summary-queries.js';
import type {
  CatalogStats,
  ExportRow,
  FailedImage,
  FeatureMatrix,
  ImageDetails,
  ImageListItem,
  ImageResult,
  ImageToProcess,
  LabelEvent,
  LabelSource,
  ListImagesQuery,
  ModelRecord,
  ScanChanges,
  StoredFile,
} from './types.js';

export interface CatalogOpenOptions {
  /** A reader connection: never migrates or writes; the file must exist at the latest schema. */
  readonly?: boolean;
}

export class Catalog {
  private readonly sql: SqlRunner;
  /** Labels, their undo steps and the vocabulary (catalog-labels.ts). */
  readonly labels: CatalogLabels;

  private constructor(
    readonly file: string,
    db: BetterSqlite3.Database,
    readonly readonly: boolean,
  ) {
    this.sql = new SqlRunner(db);
    // A sub-object: the Proxy of withCatalogErrors does not reach inside it, so it gets its own.
    this.labels = withCatalogErrors(new CatalogLabels(this.sql), file);
  }

  /**
   * Opens (creating folders and the file, and migrating, unless read-only) a catalog.
   * @throws FieldmarkError CatalogCorrupt for a non-SQLite file, another app's database or a newer schema; NotFound for a missing read-only file.
   */
  static open(file: string, options: CatalogOpenOptions = {}): Catalog {
    const readonly = options.readonly ?? false;
    const db = openDatabase(file, readonly);
    try {
      if (readonly) {
        const version = checkCatalogFile(db, file);
        if (version < LATEST_SCHEMA_VERSION) {
          throw new FieldmarkError(
            'CatalogCorrupt',
            `${file} has schema version ${version}, older than ${LATEST_SCHEMA_VERSION}; open it writable once to upgrade it`,
          );
        }
      } else {
        migrateCatalog(db, file);
        // The date keys of mtime-dated images follow the local time zone (sort-date-zone.ts).
        refreshSortDates(new SqlRunner(db));
      }
    } catch (error) {
      db.close();
      throw toCatalogError(error, file);
    }
    // Every SQLite error a caller sees names the catalog file and what to do (issue 12, item 4).
    return withCatalogErrors(new Catalog(file, db, readonly), file);
  }

  close(): void {
    if (!this.sql.db.open) return;
    // Fresh statistics let the planner pick e.g. the status index (SQLite's advice: optimize
    // before closing; it is cheap and only analyses tables whose size changed a lot).
    if (!this.readonly) this.sql.db.pragma('optimize');
    // A clean close checkpoints the WAL into the main file (SQLite does it on last close).
    this.sql.db.close();
  }

  /** The raw connection, for tests and maintenance (integrity checks); not for feature code. */
  get connection(): BetterSqlite3.Database {
    return this.sql.db;
  }

  // ---- writes (one transaction each) ----

  /** The library row for a folder's real path, created on first use. */
  ensureLibrary(rootRealPath: string): number {
    return writes.ensureLibrary(this.sql, rootRealPath);
  }

  /** Upserts a model by id and returns its row id; a changed file drops its old results. */
  ensureModel(model: ModelRecord): number {
    return writes.ensureModel(this.sql, model);
  }

  /** Stores one inference batch atomically (see writes.writeResults). */
  writeResults(modelRowId: number, results: readonly ImageResult[]): void {
    writes.writeResults(this.sql, modelRowId, results);
  }

  /** Predictions of a model computed from a base model's stored features, which it shares (derived-results.ts); returns how many were stored. */
  writeDerivedResults(modelRowId: number, baseModelRowId: number, predictions: readonly DerivedPrediction[]): number {
    return writeDerivedResults(this.sql, modelRowId, baseModelRowId, predictions);
  }

  /** Sets or clears one image's label as one undo step (LabelStore does the same for many). */
  setLabel(imageId: number, label: string | null, source: LabelSource): void {
    checkSource('source', source);
    const text = label === null ? null : checkLabelText('label', label);
    const libraryId = this.labels.libraryOfImage(imageId);
    this.labels.apply(
      libraryId,
      [{ imageId, label: text, rank: 'species', source, score: null }],
      text === null ? 'Clear label' : `Label "${text}"`,
    );
  }

  /** Failed images back to pending, so the next run tries them again; returns how many. */
  retryFailed(libraryId: number): number {
    return writes.retryFailed(this.sql, libraryId);
  }

  setSetting(key: string, value: unknown): void {
    writes.setSetting(this.sql, key, value);
  }

  /** Applies one scan's changes atomically (used by the scanner's reconcileScan). */
  applyScanChanges(libraryId: number, changes: ScanChanges): void {
    scanStore.applyScanChanges(this.sql, libraryId, changes);
  }

  /** Deletes images marked missing, with their results and labels; returns how many (user request only). */
  pruneMissing(libraryId: number): number {
    return scanStore.pruneMissing(this.sql, libraryId);
  }

  // ---- reads ----

  /** How many images of the library are marked missing (their files gone, their rows kept). */
  missingCount(libraryId: number): number {
    return scanStore.missingCount(this.sql, libraryId);
  }

  storedFiles(libraryId: number): StoredFile[] {
    return scanStore.storedFiles(this.sql, libraryId);
  }

  imagesToProcess(libraryId: number, modelRowId: number): ImageToProcess[] {
    return imageQueries.imagesToProcess(this.sql, libraryId, modelRowId);
  }

  stats(libraryId: number, modelRowId: number | null): CatalogStats {
    return summaryQueries.stats(this.sql, libraryId, modelRowId);
  }

  /** One page of a list and its total; `sortUpTo`: see image-queries.listImages. @throws FieldmarkError InvalidArgument */
  listImages(query: ListImagesQuery, sortUpTo?: number): { total: number; items: ImageListItem[] } {
    return imageQueries.listImages(this.sql, query, sortUpTo);
  }

  /** Every image id matching the query's filters, in its sort order (select-all); paging is ignored. */
  listImageIds(query: ListImagesQuery): number[] {
    return imageQueries.listImageIds(this.sql, query);
  }

  /** Tiles of the given ids, in their order (a page of an id list: list walks, app/image-pager.ts). */
  listItemsByIds(imageIds: readonly number[], modelRowId: number | null): ImageListItem[] {
    return listItemsByIds(this.sql, imageIds, modelRowId);
  }

  /** Changes whenever another connection commits (PRAGMA data_version): when cached query results go stale. */
  dataVersion(): number {
    return this.sql.db.pragma('data_version', { simple: true }) as number;
  }

  imageDetails(imageId: number, modelRowId: number | null): ImageDetails | null {
    return imageQueries.imageDetails(this.sql, imageId, modelRowId);
  }

  classCounts(libraryId: number, modelRowId: number): { classIndex: number; count: number }[] {
    return summaryQueries.classCounts(this.sql, libraryId, modelRowId);
  }

  confidenceHistogram(libraryId: number, modelRowId: number, bins: number): number[] {
    return summaryQueries.confidenceHistogram(this.sql, libraryId, modelRowId, bins);
  }

  failedImages(libraryId: number): FailedImage[] {
    return imageQueries.failedImages(this.sql, libraryId);
  }

  exportRows(libraryId: number, modelRowId: number): ExportRow[] {
    return summaryQueries.exportRows(this.sql, libraryId, modelRowId);
  }

  /** The model's feature matrix of the library (or of `imageIds` in it), by image id. @throws FieldmarkError NotFound */
  features(libraryId: number, modelRowId: number, imageIds: readonly number[] | null = null): FeatureMatrix {
    return summaryQueries.features(this.sql, libraryId, modelRowId, imageIds);
  }

  /** The next chunk of `features()` after `afterImageId`, into the caller's arrays; returns the rows read. @throws FieldmarkError NotFound */
  featureChunk(
    libraryId: number,
    modelRowId: number,
    afterImageId: number,
    imageIds: Int32Array,
    vectors: Float32Array,
  ): number {
    return summaryQueries.featureChunk(this.sql, libraryId, modelRowId, afterImageId, imageIds, vectors);
  }

  labelHistory(imageId: number): LabelEvent[] {
    return imageQueries.labelHistory(this.sql, imageId);
  }

  /** The top-1 class index of each of `imageIds` that has a prediction of the model. */
  top1Of(modelRowId: number, imageIds: readonly number[]): Map<number, number> {
    return predictionQueries.top1Of(this.sql, modelRowId, imageIds);
  }

  listModels(): ModelRow[] {
    return summaryQueries.listModels(this.sql);
  }

  getSetting(key: string): unknown {
    return summaryQueries.getSetting(this.sql, key);
  }
}
