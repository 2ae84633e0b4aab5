/**
 * A library's catalog: one SQLite file. Open it writable once per process (the one writer;
 * every write method is one transaction) and read-only for any number of readers (WAL lets
 * them read while the writer commits).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../util/errors.js';
import { openDatabase, toCatalogError } from './open-database.js';
import { checkCatalogFile, migrateCatalog } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { SqlRunner } from './sql-runner.js';
import * as writes from './writes.js';
import * as imageQueries from './image-queries.js';
import * as summaryQueries from './summary-queries.js';
import * as scanStore from './scan-store.js';
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

  private constructor(
    readonly file: string,
    db: BetterSqlite3.Database,
    readonly readonly: boolean,
  ) {
    this.sql = new SqlRunner(db);
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
          throw new FieldmarkError('CatalogCorrupt', `${file} has schema version ${version}, older than ${LATEST_SCHEMA_VERSION}; open it writable once to upgrade it`);
        }
      } else {
        migrateCatalog(db, file);
      }
    } catch (error) {
      db.close();
      throw toCatalogError(error, file);
    }
    return new Catalog(file, db, readonly);
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

  /** Sets or clears a label and records the change in the label history. */
  setLabel(imageId: number, label: string | null, source: LabelSource): void {
    writes.setLabel(this.sql, imageId, label, source);
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

  // ---- reads ----

  storedFiles(libraryId: number): StoredFile[] {
    return scanStore.storedFiles(this.sql, libraryId);
  }

  imagesToProcess(libraryId: number, modelRowId: number): ImageToProcess[] {
    return imageQueries.imagesToProcess(this.sql, libraryId, modelRowId);
  }

  stats(libraryId: number, modelRowId: number | null): CatalogStats {
    return summaryQueries.stats(this.sql, libraryId, modelRowId);
  }

  listImages(query: ListImagesQuery): { total: number; items: ImageListItem[] } {
    return imageQueries.listImages(this.sql, query);
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

  features(libraryId: number, modelRowId: number): FeatureMatrix {
    return summaryQueries.features(this.sql, libraryId, modelRowId);
  }

  labelHistory(imageId: number): LabelEvent[] {
    return imageQueries.labelHistory(this.sql, imageId);
  }

  listModels(): ModelRow[] {
    return summaryQueries.listModels(this.sql);
  }

  getSetting(key: string): unknown {
    return summaryQueries.getSetting(this.sql, key);
  }
}
