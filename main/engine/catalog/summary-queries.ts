/** Read queries over a whole library: counts, histograms, the CSV export and the feature matrix. */
import { FieldmarkError } from '../../util/errors.js';
import type { SqlRunner } from './sql-runner.js';
import { asRow, asRows, blob, copyFeatureInto, int, optInt, optLabelSource, optStr, str, topKColumn } from './rows.js';
import { checkId, checkInteger } from './validate.js';
import type { CatalogStats, ExportRow, FeatureMatrix } from './types.js';
import { derivedFeatureSource } from './derived-results.js';

export function stats(sql: SqlRunner, libraryId: number, modelRowId: number | null): CatalogStats {
  checkId('libraryId', libraryId);
  const counts = asRow(
    sql
      .statement(`SELECT COUNT(*) AS total, COALESCE(SUM(status = 'ok'), 0) AS ok, COALESCE(SUM(status = 'failed'), 0) AS failed,
          COALESCE(SUM(status = 'pending'), 0) AS pending
        FROM images WHERE library_id = ? AND missing_since IS NULL`)
      .get(libraryId),
    'stats',
  );
  let predicted = 0;
  if (modelRowId !== null) {
    checkId('modelRowId', modelRowId);
    const row = asRow(
      sql
        .statement(
          'SELECT COUNT(*) AS predicted FROM predictions p JOIN images i ON i.id = p.image_id WHERE p.model_id = ? AND i.library_id = ? AND i.missing_since IS NULL',
        )
        .get(modelRowId, libraryId),
      'stats',
    );
    predicted = int(row, 'predicted');
  }
  return {
    total: int(counts, 'total'),
    ok: int(counts, 'ok'),
    failed: int(counts, 'failed'),
    pending: int(counts, 'pending'),
    predicted,
  };
}

/** How many ok images have each class as top-1, most frequent first. */
export function classCounts(
  sql: SqlRunner,
  libraryId: number,
  modelRowId: number,
): { classIndex: number; count: number }[] {
  checkId('libraryId', libraryId);
  checkId('modelRowId', modelRowId);
  const rows = sql
    .statement(`SELECT p.top1_index AS class_index, COUNT(*) AS count FROM predictions p JOIN images i ON i.id = p.image_id
      WHERE p.model_id = ? AND i.library_id = ? AND i.status = 'ok' AND i.missing_since IS NULL GROUP BY p.top1_index ORDER BY count DESC, class_index ASC`)
    .all(modelRowId, libraryId);
  return asRows(rows, 'class counts').map((row) => ({ classIndex: int(row, 'class_index'), count: int(row, 'count') }));
}

/** Counts of top-1 probabilities in `bins` equal bins over [0, 1]; 1.0 falls in the last bin. */
export function confidenceHistogram(sql: SqlRunner, libraryId: number, modelRowId: number, bins: number): number[] {
  checkId('libraryId', libraryId);
  checkId('modelRowId', modelRowId);
  checkInteger('bins', bins, 1, 10_000);
  const rows = sql
    .statement(`SELECT MIN(CAST(p.top1_prob * @bins AS INTEGER), @bins - 1) AS bin, COUNT(*) AS count
      FROM predictions p JOIN images i ON i.id = p.image_id
      WHERE p.model_id = @model AND i.library_id = @library AND i.status = 'ok' AND i.missing_since IS NULL GROUP BY bin`)
    .all({ bins, model: modelRowId, library: libraryId });
  const histogram = new Array<number>(bins).fill(0);
  for (const row of asRows(rows, 'histogram')) histogram[int(row, 'bin')] = int(row, 'count');
  return histogram;
}

/** Ok images with a prediction of the model, with their labels, ordered by relative path. */
export function exportRows(sql: SqlRunner, libraryId: number, modelRowId: number): ExportRow[] {
  checkId('libraryId', libraryId);
  checkId('modelRowId', modelRowId);
  const rows = sql
    .statement(`SELECT i.id, i.rel_path, i.width, i.height, i.taken_at, i.camera, i.fingerprint, p.topk, l.label, l.label_source
      FROM images i JOIN predictions p ON p.image_id = i.id AND p.model_id = ? LEFT JOIN labels l ON l.image_id = i.id
      WHERE i.library_id = ? AND i.status = 'ok' AND i.missing_since IS NULL ORDER BY i.rel_path`)
    .all(modelRowId, libraryId);
  return asRows(rows, 'export').map((row) => ({
    imageId: int(row, 'id'),
    relPath: str(row, 'rel_path'),
    label: optStr(row, 'label'),
    labelSource: optLabelSource(row, 'label_source'),
    topk: topKColumn(row, 'topk'),
    width: optInt(row, 'width'),
    height: optInt(row, 'height'),
    takenAt: optStr(row, 'taken_at'),
    camera: optStr(row, 'camera'),
    fingerprint: optStr(row, 'fingerprint'),
  }));
}

interface FeatureSelection {
  dim: number;
  /** `FROM ... WHERE ...` over `features f` joined to `images i`. */
  from: string;
  params: Record<string, number | string>;
}

/**
 * The rows `features()` and `featureChunk()` read: the model's vectors of the library's indexed
 * images. @throws FieldmarkError NotFound for an unknown model row.
 */
function featureSelection(
  sql: SqlRunner,
  libraryId: number,
  modelRowId: number,
  imageIds: readonly number[] | null,
): FeatureSelection {
  checkId('libraryId', libraryId);
  checkId('modelRowId', modelRowId);
  const model: unknown = sql.statement('SELECT feature_dim FROM models WHERE id = ?').get(modelRowId);
  if (model === undefined)
    throw new FieldmarkError('NotFound', `modelRowId: no model row ${modelRowId} in the catalog`);
  const dim = int(asRow(model, 'models'), 'feature_dim');
  // A head trained on another model's features shares that model's vectors (derived-results.ts):
  // its own rows where it has them, the base model's for every other image.
  const base = derivedFeatureSource(sql, modelRowId);
  const which =
    base === null
      ? 'f.model_id = @model'
      : '(f.model_id = @model OR (f.model_id = @base AND NOT EXISTS (SELECT 1 FROM features o WHERE o.image_id = f.image_id AND o.model_id = @model)))';
  const only = imageIds === null ? '' : ' AND f.image_id IN (SELECT value FROM json_each(@ids))';
  const from = `FROM features f JOIN images i ON i.id = f.image_id WHERE ${which} AND i.library_id = @library AND i.status = 'ok' AND i.missing_since IS NULL${only}`;
  const params: Record<string, number | string> = { model: modelRowId, library: libraryId };
  if (base !== null) params.base = base;
  if (imageIds !== null) params.ids = JSON.stringify(imageIds);
  return { dim, from, params };
}

/**
 * All feature vectors of a model in one library (or of `imageIds` among them) as one row-major
 * matrix, ordered by image id. @throws FieldmarkError NotFound for an unknown model row.
 */
export function features(
  sql: SqlRunner,
  libraryId: number,
  modelRowId: number,
  imageIds: readonly number[] | null = null,
): FeatureMatrix {
  const { dim, from, params } = featureSelection(sql, libraryId, modelRowId, imageIds);
  // One read transaction, so the count and the rows come from the same snapshot even while
  // another connection writes; iterating copies each blob straight into the matrix.
  const read = sql.db.transaction((): FeatureMatrix => {
    const count = int(asRow(sql.statement(`SELECT COUNT(*) AS count ${from}`).get(params), 'features'), 'count');
    const ids = new Int32Array(count);
    const vectors = new Float32Array(count * dim);
    const n = readRows(sql, `SELECT f.image_id, f.vector ${from} ORDER BY f.image_id`, params, dim, ids, vectors);
    return { imageIds: ids.subarray(0, n), dim, vectors: vectors.subarray(0, n * dim) };
  });
  return read.deferred();
}

/**
 * The next rows of `features()` after image id `afterImageId` (0 for the first), at most
 * `imageIds.length`, written into `imageIds` and `vectors` (which the caller reuses, so a library
 * of any size touches one chunk of memory); returns how many. @throws FieldmarkError NotFound
 */
export function featureChunk(
  sql: SqlRunner,
  libraryId: number,
  modelRowId: number,
  afterImageId: number,
  imageIds: Int32Array,
  vectors: Float32Array,
): number {
  const { dim, from, params } = featureSelection(sql, libraryId, modelRowId, null);
  if (vectors.length < imageIds.length * dim)
    throw new FieldmarkError(
      'InvalidArgument',
      `vectors: expected room for ${imageIds.length} x ${dim} floats but received ${vectors.length}`,
    );
  return readRows(
    sql,
    `SELECT f.image_id, f.vector ${from} AND f.image_id > @after ORDER BY f.image_id LIMIT @limit`,
    { ...params, after: afterImageId, limit: imageIds.length },
    dim,
    imageIds,
    vectors,
  );
}

/** Copies `[image_id, vector]` rows (raw arrays: no object per row) into the arrays; returns how many. */
function readRows(
  sql: SqlRunner,
  query: string,
  params: Record<string, number | string>,
  dim: number,
  imageIds: Int32Array,
  vectors: Float32Array,
): number {
  let n = 0;
  for (const value of sql.statement(query).raw(true).iterate(params)) {
    if (n >= imageIds.length) break;
    const row = value as [unknown, unknown];
    imageIds[n] = int({ image_id: row[0] }, 'image_id');
    copyFeatureInto(blob({ vector: row[1] }, 'vector'), dim, vectors, n * dim);
    n += 1;
  }
  return n;
}

export interface ModelRow {
  rowId: number;
  id: string;
  fileSha256: string;
  metadataJson: string;
  classCount: number;
  featureDim: number;
}

export function listModels(sql: SqlRunner): ModelRow[] {
  const rows = sql
    .statement(
      'SELECT id, model_key, file_sha256, metadata_json, class_count, feature_dim FROM models ORDER BY model_key',
    )
    .all();
  return asRows(rows, 'models').map((row) => ({
    rowId: int(row, 'id'),
    id: str(row, 'model_key'),
    fileSha256: str(row, 'file_sha256'),
    metadataJson: str(row, 'metadata_json'),
    classCount: int(row, 'class_count'),
    featureDim: int(row, 'feature_dim'),
  }));
}

export function getSetting(sql: SqlRunner, key: string): unknown {
  const found: unknown = sql.statement('SELECT value_json FROM settings WHERE key = ?').get(key);
  return found === undefined ? undefined : (JSON.parse(str(asRow(found, 'settings'), 'value_json')) as unknown);
}
