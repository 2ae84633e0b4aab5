/** Read queries over single images and image lists (grid, details, failures, work list). */
import { FieldmarkError } from '../../util/errors.js';
import type { SqlRunner } from './sql-runner.js';
import {
  asRow,
  asRows,
  int,
  labelSource,
  num,
  optInt,
  optLabelRank,
  optLabelSource,
  optStr,
  status,
  str,
  topKColumn,
} from './rows.js';
import { labelFilterClause } from './label-filter.js';
import { uncertaintyPage } from './uncertainty-queue.js';
import type { Row } from './rows.js';
import { checkId, checkInteger, checkNumber, checkOneOf } from './validate.js';
import type { FailedImage, ImageDetails, ImageListItem, ImageToProcess, LabelEvent, ListImagesQuery } from './types.js';

/**
 * Images the pipeline must (re)run for a model: pending ones, and ok ones without this model's
 * prediction. Failed images wait until the scanner sees their file change.
 */
export function imagesToProcess(sql: SqlRunner, libraryId: number, modelRowId: number): ImageToProcess[] {
  checkId('libraryId', libraryId);
  checkId('modelRowId', modelRowId);
  const rows = sql
    .statement(`SELECT i.id, i.rel_path, i.size, i.mtime_ms FROM images i
      WHERE i.library_id = ? AND i.missing_since IS NULL AND (i.status = 'pending'
        OR (i.status = 'ok' AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.image_id = i.id AND p.model_id = ?)))
      ORDER BY i.rel_path`)
    .all(libraryId, modelRowId);
  return asRows(rows, 'images').map((row) => ({
    id: int(row, 'id'),
    relPath: str(row, 'rel_path'),
    size: int(row, 'size'),
    mtimeMs: num(row, 'mtime_ms'),
  }));
}

/** Escapes LIKE wildcards so that `pathContains` matches literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Dates sort by EXIF capture time, falling back to the file's mtime in the same ISO form.
const DATE_KEY = `COALESCE(i.taken_at, strftime('%Y-%m-%dT%H:%M:%S', i.mtime_ms / 1000.0, 'unixepoch', 'localtime'))`;

/**
 * Up to this offset the uncertainty queue walks the margin index (the first pages in ~10 ms at
 * 100k images instead of sorting them all); deeper pages (a jump in the grid) sort, which is
 * faster than walking and skipping tens of thousands of index entries (bench/labels.ts).
 */
const UNCERTAINTY_INDEX_MAX_OFFSET = 5000;

interface ImageListSql {
  /** The filter clauses, for the uncertainty queue's own FROM (uncertainty-queue.ts). */
  where: string[];
  sort: string;
  order: 'ASC' | 'DESC';
  /** `FROM ... WHERE ...` with predictions (p) and labels (l) joined. */
  from: string;
  /** The same without the joins when no clause needs them (counting images alone is ~15x faster at 100k rows). */
  countFrom: string;
  params: Record<string, unknown>;
  countParams: Record<string, unknown>;
  orderBy: string;
}

/**
 * One page of images with filters and sorting, plus the total matching the filters.
 * @throws FieldmarkError InvalidArgument, for example for a class or confidence filter without a model.
 */
export function listImages(sql: SqlRunner, query: ListImagesQuery): { total: number; items: ImageListItem[] } {
  const { from, countFrom, params, countParams, orderBy, where, sort, order } = imageListSql(sql, query);
  const offset = checkInteger('offset', query.offset ?? 0, 0);
  const limit = query.limit === undefined ? -1 : checkInteger('limit', query.limit, 0);
  const total = int(asRow(sql.statement(`SELECT COUNT(*) AS total ${countFrom}`).get(countParams), 'count'), 'total');
  const columns = `i.id, i.rel_path, i.status, i.size, i.mtime_ms, i.width, i.height, i.format, i.taken_at, i.error_kind,
        p.top1_index, p.top1_prob, l.label, l.label_source, l.rank AS label_rank`;
  const rows =
    sort === 'uncertainty' && offset < UNCERTAINTY_INDEX_MAX_OFFSET
      ? uncertaintyPage(sql, { columns, where, params, order }, offset, limit)
      : sql
          .statement(`SELECT ${columns} ${from} ORDER BY ${orderBy} LIMIT @limit OFFSET @offset`)
          .all({ ...params, limit, offset });
  return { total, items: asRows(rows, 'images').map(toListItem) };
}

/** Every image id matching the query's filters, in its sort order (for select-all); offset/limit are ignored. */
export function listImageIds(sql: SqlRunner, query: ListImagesQuery): number[] {
  const { from, params, orderBy } = imageListSql(sql, query);
  return sql.statement(`SELECT i.id ${from} ORDER BY ${orderBy}`).pluck().all(params) as number[];
}

function imageListSql(sql: SqlRunner, query: ListImagesQuery): ImageListSql {
  const params: Record<string, unknown> = { library: checkId('libraryId', query.libraryId) };
  params['model'] = query.modelRowId === null ? null : checkId('modelRowId', query.modelRowId);
  // Images whose file is gone (marked missing by the scanner) are not listed or counted.
  const where = ['i.library_id = @library', 'i.missing_since IS NULL'];
  const statusFilter = checkOneOf('status', query.status ?? 'all', ['all', 'pending', 'ok', 'failed'] as const);
  if (statusFilter !== 'all') {
    where.push('i.status = @status');
    params['status'] = statusFilter;
  }
  const needsModel = (what: string): void => {
    if (query.modelRowId === null)
      throw new FieldmarkError(
        'InvalidArgument',
        `${what}: expected a modelRowId with it but received modelRowId null`,
      );
  };
  if (query.classIndex !== undefined) {
    needsModel('classIndex');
    where.push('p.top1_index = @classIndex');
    params['classIndex'] = checkInteger('classIndex', query.classIndex, 0);
  }
  if (query.minConfidence !== undefined) {
    needsModel('minConfidence');
    where.push('p.top1_prob >= @minConfidence');
    params['minConfidence'] = checkNumber('minConfidence', query.minConfidence, 0, 1);
  }
  if (query.maxConfidence !== undefined) {
    needsModel('maxConfidence');
    where.push('p.top1_prob <= @maxConfidence');
    params['maxConfidence'] = checkNumber('maxConfidence', query.maxConfidence, 0, 1);
  }
  if (query.pathContains !== undefined && query.pathContains !== '') {
    where.push(`i.rel_path LIKE @pattern ESCAPE '\\'`);
    params['pattern'] = likePattern(query.pathContains);
  }
  if (query.folder !== undefined && query.folder !== '') {
    // A prefix, not a substring: "a" must not match "ba/x.jpg" nor "ab/x.jpg".
    where.push(`i.rel_path LIKE @folderPattern ESCAPE '\\'`);
    params['folderPattern'] = `${query.folder.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  }
  if (query.label !== undefined)
    where.push(
      labelFilterClause(sql, query.label, query.classNames, query.modelRowId !== null, params, query.classLineage),
    );
  const sort = checkOneOf('sort', query.sort ?? 'name', ['name', 'date', 'confidence', 'uncertainty'] as const);
  const order = checkOneOf('order', query.order ?? 'asc', ['asc', 'desc'] as const) === 'asc' ? 'ASC' : 'DESC';
  if (sort === 'confidence' || sort === 'uncertainty') needsModel(`sort "${sort}"`);
  const orderBy = {
    name: `i.rel_path ${order}`,
    date: `${DATE_KEY} ${order}, i.rel_path ${order}`,
    confidence: `p.top1_prob ${order} NULLS LAST, i.rel_path ASC`,
    // Review queue: the smallest top-1/top-2 margin (the model's hardest call) first.
    uncertainty: `p.margin ${order} NULLS LAST, i.rel_path ASC`,
  }[sort];
  const from = `FROM images i LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = @model
    LEFT JOIN labels l ON l.image_id = i.id WHERE ${where.join(' AND ')}`;
  // At most one prediction (per model) and one label per image: without a clause on them the
  // joins cannot change the count.
  const filtersOnJoins = where.some((clause) => !clause.startsWith('i.'));
  const countFrom = filtersOnJoins ? from : `FROM images i WHERE ${where.join(' AND ')}`;
  const countParams = filtersOnJoins
    ? params
    : Object.fromEntries(Object.entries(params).filter(([key]) => key !== 'model'));
  return { from, countFrom, params, countParams, orderBy, where, sort, order };
}

export function toListItem(row: Row): ImageListItem {
  const top1Index = optInt(row, 'top1_index');
  return {
    id: int(row, 'id'),
    relPath: str(row, 'rel_path'),
    status: status(row, 'status'),
    size: int(row, 'size'),
    mtimeMs: num(row, 'mtime_ms'),
    width: optInt(row, 'width'),
    height: optInt(row, 'height'),
    format: optStr(row, 'format'),
    takenAt: optStr(row, 'taken_at'),
    errorKind: optStr(row, 'error_kind'),
    top1: top1Index === null ? null : { index: top1Index, prob: num(row, 'top1_prob') },
    label: optStr(row, 'label'),
    labelSource: optLabelSource(row, 'label_source'),
    labelRank: optLabelRank(row, 'label_rank'),
  };
}

/** Everything known about one image, with the given model's top-k and the label; null if absent. */
export function imageDetails(sql: SqlRunner, imageId: number, modelRowId: number | null): ImageDetails | null {
  checkId('imageId', imageId);
  if (modelRowId !== null) checkId('modelRowId', modelRowId);
  const found: unknown = sql
    .statement(`SELECT i.*, p.topk, p.created_at AS prediction_created_at, l.label, l.label_source, l.updated_at AS label_updated_at
      FROM images i LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = ? LEFT JOIN labels l ON l.image_id = i.id
      WHERE i.id = ?`)
    .get(modelRowId, imageId);
  if (found === undefined) return null;
  const row = asRow(found, 'images');
  const label = optStr(row, 'label');
  return {
    id: int(row, 'id'),
    libraryId: int(row, 'library_id'),
    relPath: str(row, 'rel_path'),
    size: int(row, 'size'),
    mtimeMs: num(row, 'mtime_ms'),
    fingerprint: optStr(row, 'fingerprint'),
    width: optInt(row, 'width'),
    height: optInt(row, 'height'),
    orientation: optInt(row, 'orientation'),
    format: optStr(row, 'format'),
    takenAt: optStr(row, 'taken_at'),
    camera: optStr(row, 'camera'),
    status: status(row, 'status'),
    errorKind: optStr(row, 'error_kind'),
    errorMessage: optStr(row, 'error_message'),
    updatedAt: str(row, 'updated_at'),
    prediction:
      row['topk'] === null ? null : { topk: topKColumn(row, 'topk'), createdAt: str(row, 'prediction_created_at') },
    label:
      label === null
        ? null
        : { label, source: labelSource(row, 'label_source'), updatedAt: str(row, 'label_updated_at') },
  };
}

export function failedImages(sql: SqlRunner, libraryId: number): FailedImage[] {
  checkId('libraryId', libraryId);
  const rows = sql
    .statement(
      `SELECT id, rel_path, error_kind, error_message FROM images WHERE library_id = ? AND status = 'failed' AND missing_since IS NULL ORDER BY rel_path`,
    )
    .all(libraryId);
  return asRows(rows, 'images').map((row) => ({
    id: int(row, 'id'),
    relPath: str(row, 'rel_path'),
    errorKind: optStr(row, 'error_kind') ?? 'Internal',
    errorMessage: optStr(row, 'error_message') ?? '',
  }));
}

/** The label history of one image, oldest first. */
export function labelHistory(sql: SqlRunner, imageId: number): LabelEvent[] {
  checkId('imageId', imageId);
  const rows = sql
    .statement('SELECT id, image_id, old_label, new_label, source, at FROM label_events WHERE image_id = ? ORDER BY id')
    .all(imageId);
  return asRows(rows, 'label_events').map((row) => ({
    id: int(row, 'id'),
    imageId: int(row, 'image_id'),
    oldLabel: optStr(row, 'old_label'),
    newLabel: optStr(row, 'new_label'),
    source: labelSource(row, 'source'),
    at: str(row, 'at'),
  }));
}
