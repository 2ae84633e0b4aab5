/** Read queries over single images and image lists (grid, details, failures, work list). */
import { FieldmarkError } from '../../util/errors.js';
import type { SqlRunner } from './sql-runner.js';
import { asRow, asRows, int, labelSource, num, optInt, optStr, status, str, topKColumn } from './rows.js';
import { labelFilterClause } from './label-filter.js';
import { listItemsByIds } from './list-by-ids.js';
import { imagesCountFrom, pageIds, type ListSort } from './list-walk.js';
import { LISTED, listedPredictions, predictionClauses, predictionsAllListed } from './prediction-walk.js';
import { loadLeftOut, type LeftOut } from './complement-walk.js';
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

/** The values of images.status. */
const STATUSES = ['pending', 'ok', 'failed'] as const;

/** The prediction column each sort walks, whose left-out keys the complement walk needs. */
const KEY_COLUMNS = { name: null, date: null, confidence: 'top1_prob', uncertainty: 'margin' } as const;

/** Lists up to this long are sorted whole (bench/engine-process.ts: a 1,000-image folder of 100,000). */
const SORT_LISTS_UP_TO = 5000;

interface ImageListSql {
  /** The filter clauses, for the index walks' own FROM (list-walk.ts). */
  where: string[];
  /** How to read what the clauses on the image or label leave out (complement-walk.ts); null where one has no small side. */
  leftOut: LeftOut[] | null;
  sort: ListSort;
  order: 'ASC' | 'DESC';
  /** `FROM ... WHERE ...` with predictions (p) and labels (l) joined. */
  from: string;
  /** The same with only the joins its clauses read (counting images alone is ~15x faster at 100k rows). */
  countFrom: string;
  params: Record<string, unknown>;
  orderBy: string;
}

/**
 * One page of images with filters and sorting, plus the total matching the filters: the page's
 * ids by an index walk (list-walk.ts), or by a sort where at most `sortUpTo` images match (tests
 * pass 0 to walk every list), then its tiles by id.
 * @throws FieldmarkError InvalidArgument, for example for a class or confidence filter without a model.
 */
export function listImages(
  sql: SqlRunner,
  query: ListImagesQuery,
  sortUpTo = SORT_LISTS_UP_TO,
): { total: number; items: ImageListItem[] } {
  const { from, countFrom, params, where, leftOut: leftOutParts, sort, order, orderBy } = imageListSql(sql, query);
  const offset = checkInteger('offset', query.offset ?? 0, 0);
  const limit = query.limit === undefined ? -1 : checkInteger('limit', query.limit, 0);
  // Filters on the model's prediction alone are answered from the predictions indexes (prediction-walk.ts).
  const filters = where.slice(LISTED.length);
  const onPrediction = predictionClauses(filters);
  const predictionWhere = onPrediction.length === filters.length ? filters : null;
  const allListed = (predictionWhere !== null || leftOutParts !== null) && predictionsAllListed(sql, query.libraryId);
  // Clauses on the image or label that leave out few images (complement-walk.ts): the list is the
  // rest less those, counted and walked from indexes without a lookup per image.
  const leftOut =
    predictionWhere === null && leftOutParts !== null
      ? loadLeftOut(sql, { where, leftOut: leftOutParts, params, allListed }, KEY_COLUMNS[sort])
      : null;
  // Prediction clauses leave out every image without a prediction: where they are all that is
  // counted (the left-out images set apart), the listed predictions that pass them are counted.
  const countedOnPrediction = leftOut !== null ? onPrediction : predictionWhere;
  const countSql =
    countedOnPrediction !== null && countedOnPrediction.length > 0
      ? `SELECT COUNT(*) AS total ${listedPredictions(countedOnPrediction, allListed)}`
      : `SELECT COUNT(*) AS total ${leftOut !== null ? imagesCountFrom(LISTED) : countFrom}`;
  const total = int(asRow(sql.statement(countSql).get(params), 'count'), 'total') - (leftOut?.size ?? 0);
  // A filter that leaves few images (a folder, a label, failures) is cheaper to sort than to find
  // entry by entry along an index of the whole library: the planner picks the index for the filter.
  // Sorted, the order's columns are written `+column` so that the planner reads the filter's index
  // and sorts, instead of walking the order's index past every image the filter rejects.
  const ids =
    total === 0
      ? []
      : total <= sortUpTo
        ? (sql
            .statement(
              `SELECT i.id ${from} ORDER BY ${orderBy.replace(/\b([ip])\./g, '+$1.')} LIMIT @limit OFFSET @offset`,
            )
            .pluck()
            .all({ ...params, limit, offset }) as number[])
        : pageIds(
            sql,
            { sort, order, where, predictionWhere, leftOut: leftOut?.keyed ?? null, allListed, params },
            total,
            offset,
            limit,
          );
  return { total, items: listItemsByIds(sql, ids, query.modelRowId) };
}

/**
 * Every image id matching the query's filters, in its sort order (for select-all); offset/limit
 * are ignored. One ORDER BY over the whole list: also the reference the index walks are tested against.
 */
export function listImageIds(sql: SqlRunner, query: ListImagesQuery): number[] {
  const { from, params, orderBy } = imageListSql(sql, query);
  return sql.statement(`SELECT i.id ${from} ORDER BY ${orderBy}`).pluck().all(params) as number[];
}

function imageListSql(sql: SqlRunner, query: ListImagesQuery): ImageListSql {
  const params: Record<string, unknown> = { library: checkId('libraryId', query.libraryId) };
  params['model'] = query.modelRowId === null ? null : checkId('modelRowId', query.modelRowId);
  const where = [...LISTED];
  // What each clause on the image or label leaves out, from the small side: the other statuses
  // (few, once indexed) and the labelled images (few, in a library being labelled).
  const leftOut: LeftOut[] = [];
  let leftOutKnown = true;
  const statusFilter = checkOneOf('status', query.status ?? 'all', ['all', ...STATUSES] as const);
  if (statusFilter !== 'all') {
    where.push('i.status = @status');
    // The other statuses, as values of the status index (a `!=` would read all of it).
    const others = STATUSES.filter((value) => value !== statusFilter).map((value) => `'${value}'`);
    leftOut.push({ from: 'images', where: `i.status IN (${others.join(', ')})` });
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
    leftOutKnown = false;
    params['pattern'] = likePattern(query.pathContains);
  }
  if (query.folder !== undefined && query.folder !== '') {
    // A prefix, not a substring ("a" must not match "ba/x.jpg" nor "ab/x.jpg"), as a range of the
    // path index: "a/" <= path < "a0" ('0' follows '/'). Case-sensitive, as the folder names the
    // tree shows come from the catalog itself (a case-insensitive LIKE read every index entry).
    where.push('i.rel_path >= @folderFirst AND i.rel_path < @folderAfter');
    params['folderFirst'] = `${query.folder}/`;
    params['folderAfter'] = `${query.folder}0`;
    leftOutKnown = false;
  }
  if (query.label !== undefined) {
    where.push(
      labelFilterClause(sql, query.label, query.classNames, query.modelRowId !== null, params, query.classLineage),
    );
    if (query.label.kind === 'unlabelled') leftOut.push({ from: 'labels', where: 'l.label IS NOT NULL' });
    else leftOutKnown = false;
  }
  const sort = checkOneOf('sort', query.sort ?? 'name', ['name', 'date', 'confidence', 'uncertainty'] as const);
  const order = checkOneOf('order', query.order ?? 'asc', ['asc', 'desc'] as const) === 'asc' ? 'ASC' : 'DESC';
  if (sort === 'confidence' || sort === 'uncertainty') needsModel(`sort "${sort}"`);
  const orderBy = {
    name: `i.rel_path ${order}`,
    // sort_date: the capture time, else the local-time mtime (sort-date.ts, migration 0006).
    date: `i.sort_date ${order}, i.rel_path ${order}`,
    confidence: `p.top1_prob ${order} NULLS LAST, i.rel_path ASC`,
    // Review queue: the smallest top-1/top-2 margin (the model's hardest call) first.
    uncertainty: `p.margin ${order} NULLS LAST, i.rel_path ASC`,
  }[sort];
  const from = `FROM images i LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = @model
    LEFT JOIN labels l ON l.image_id = i.id WHERE ${where.join(' AND ')}`;
  // At most one prediction (per model) and one label per image: the joins no clause reads cannot
  // change the count (list-walk.ts leaves them out).
  return {
    from,
    countFrom: imagesCountFrom(where),
    params,
    orderBy,
    where,
    leftOut: leftOutKnown ? leftOut : null,
    sort,
    order,
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
