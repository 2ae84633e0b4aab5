/**
 * Lists filtered on the image or its label where what the filter leaves out is small:
 * "unlabelled" leaves out the labelled images, "status ok" the few others. Those left-out images
 * (C) are read from their small side and held in memory; then
 * - the list's total is the count without those clauses (an index count) less |C|;
 * - the keyed part of a confidence or uncertainty list is the predictions index (U) less C: the
 *   entries before any key are U-before-key (an index count) minus C-before-key (a binary
 *   search), and only the page's neighbourhood of the index is read.
 * The joined walk it replaces looked up the image and label of every entry walked, and the count
 * every image's label: 0.15-0.2 s for a page in the middle of 100,000 (bench/engine-process.ts).
 */
import type { SqlRunner } from './sql-runner.js';
import { LISTED, predictionClauses, type Direction, type KeyedSegment } from './prediction-walk.js';

/** How to read the listed images one filter clause leaves out, driven from the small side. */
export interface LeftOut {
  /** The table the read starts from: the labels (few) or the images' status index. */
  from: 'labels' | 'images';
  /** The clause that holds for exactly the left-out images, over i (images) and l (labels). */
  where: string;
}

/** Most left-out images held in memory; with more, the joined walk is cheaper. */
const LEFT_OUT_UP_TO = 20_000;

/** The left-out images with the walked key: their ids, and their keys sorted ascending. */
export interface KeyedLeftOut {
  ids: Set<number>;
  sortedKeys: Float64Array;
}

/** The listed images a list's image and label clauses leave out (of those that pass its prediction clauses). */
export interface LeftOutImages {
  /** How many, keyed or not: the list's total is the count without those clauses less this. */
  size: number;
  /** Those with the key of the sort (confidence, uncertainty); null for other sorts. */
  keyed: KeyedLeftOut | null;
}

/** The list's filter, as the left-out read needs it. */
interface LeftOutFilter {
  where: readonly string[];
  leftOut: readonly LeftOut[];
  params: Record<string, unknown>;
  /** Every image is listed (prediction-walk.ts predictionsAllListed): a label's image needs no check. */
  allListed: boolean;
}

/** At least how many images `part` leaves out, counted from an index (up to LEFT_OUT_UP_TO + 1). */
function upperBound(sql: SqlRunner, filter: LeftOutFilter, part: LeftOut): number {
  const count =
    part.from === 'labels'
      ? 'SELECT COUNT(*) FROM labels'
      : `SELECT COUNT(*) FROM (SELECT 1 FROM images i INDEXED BY images_present_by_status
          WHERE ${[...LISTED, part.where].join(' AND ')} LIMIT ${LEFT_OUT_UP_TO + 1})`;
  return sql.statement(count).pluck().get(filter.params) as number;
}

function leftOutSql(filter: LeftOutFilter, part: LeftOut, column: 'top1_prob' | 'margin' | null): string {
  const predictions = predictionClauses(filter.where);
  if (part.from === 'labels' && filter.allListed) {
    // Every label's image is listed: the labels alone, with each one's prediction where needed.
    const joined =
      column !== null || predictions.length > 0
        ? ' LEFT JOIN predictions p ON p.image_id = l.image_id AND p.model_id = @model'
        : '';
    const where = [part.where, ...predictions].join(' AND ');
    return `SELECT l.image_id, ${column === null ? 'NULL' : `p.${column}`} FROM labels l${joined} WHERE ${where}`;
  }
  const start =
    part.from === 'labels'
      ? 'FROM labels l CROSS JOIN images i ON i.id = l.image_id'
      : 'FROM images i INDEXED BY images_present_by_status';
  // Prediction clauses reject a missing prediction, so with them the join keeps only predicted images.
  const joined =
    column !== null || predictions.length > 0
      ? ' LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = @model'
      : '';
  const where = [...LISTED, part.where, ...predictions];
  return `SELECT i.id, ${column === null ? 'NULL' : `p.${column}`} ${start}${joined} WHERE ${where.join(' AND ')}`;
}

/**
 * Reads the images the filter's image and label clauses leave out, each part from its small
 * side; null when there are more than LEFT_OUT_UP_TO (then the list is walked entry by entry).
 */
export function loadLeftOut(
  sql: SqlRunner,
  filter: LeftOutFilter,
  column: 'top1_prob' | 'margin' | null,
): LeftOutImages | null {
  let bound = 0;
  for (const part of filter.leftOut) {
    bound += upperBound(sql, filter, part);
    if (bound > LEFT_OUT_UP_TO) return null;
  }
  const keys = new Map<number, number | null>();
  for (const part of filter.leftOut) {
    const rows = sql
      .statement(leftOutSql(filter, part, column))
      .raw(true)
      .all(filter.params) as [number, number | null][];
    for (const [id, key] of rows) keys.set(id, key);
  }
  if (column === null) return { size: keys.size, keyed: null };
  const keyed = [...keys].filter((entry): entry is [number, number] => entry[1] !== null);
  return {
    size: keys.size,
    keyed: {
      ids: new Set(keyed.map(([id]) => id)),
      sortedKeys: Float64Array.from(keyed, ([, key]) => key).sort(),
    },
  };
}

/** How many of `sortedKeys` come before `key` in `direction` (strictly). */
function countBefore(sortedKeys: Float64Array, key: number, direction: Direction): number {
  let low = 0;
  let high = sortedKeys.length;
  // ASC: the first index with a key >= `key`; DESC: the first with a key > `key`, counted from the end.
  while (low < high) {
    const middle = (low + high) >>> 1;
    const goesLeft = direction === 'ASC' ? sortedKeys[middle]! < key : sortedKeys[middle]! <= key;
    if (goesLeft) low = middle + 1;
    else high = middle;
  }
  return direction === 'ASC' ? low : sortedKeys.length - low;
}

/** How many rows the segment holds: the index's count less the left-out entries. */
export function complementCount(
  sql: SqlRunner,
  segment: KeyedSegment,
  keyedFrom: string,
  entries: KeyedLeftOut,
): number {
  return (sql.statement(`SELECT COUNT(*) ${keyedFrom}`).pluck().get(segment.params) as number) - entries.ids.size;
}

/**
 * `limit` ids from `offset` of the segment. `keyedFrom` is the index's `FROM ... WHERE ...` (the
 * listed predictions with the key that pass the prediction clauses).
 */
export function complementIds(
  sql: SqlRunner,
  segment: KeyedSegment,
  keyedFrom: string,
  entries: KeyedLeftOut,
  offset: number,
  limit: number,
): number[] {
  const { column, direction, params } = segment;
  // The list's entry at `offset` comes at or after the index's: its key starts the read.
  const startKey = sql
    .statement(`SELECT p.${column} ${keyedFrom} ORDER BY p.${column} ${direction} LIMIT 1 OFFSET @offset`)
    .pluck()
    .get({ ...params, offset }) as number | undefined;
  if (startKey === undefined) return [];
  const indexBefore = sql
    .statement(`SELECT COUNT(*) ${keyedFrom} AND p.${column} ${direction === 'ASC' ? '<' : '>'} @key`)
    .pluck()
    .get({ ...params, key: startKey }) as number;
  let skip = offset - (indexBefore - countBefore(entries.sortedKeys, startKey, direction));
  const ids: number[] = [];
  let from = { key: startKey, inclusive: true };
  let batch = skip + limit + 64;
  for (;;) {
    const groups = keyGroups(sql, segment, keyedFrom, from, batch);
    for (const group of groups.groups) {
      const kept = group.filter((id) => !entries.ids.has(id));
      if (skip >= kept.length) {
        skip -= kept.length;
        continue;
      }
      for (const id of inPathOrder(sql, kept, segment.pathDirection).slice(skip)) {
        ids.push(id);
        if (ids.length === limit) return ids;
      }
      skip = 0;
    }
    if (groups.last === null) return ids;
    from = { key: groups.last, inclusive: false };
    batch *= 2;
  }
}

/**
 * About `batch` index entries from `from` on, as groups of equal keys in the walk's order; the
 * last group is read whole. `last`: the last key read, or null when the index has no more.
 */
function keyGroups(
  sql: SqlRunner,
  segment: KeyedSegment,
  keyedFrom: string,
  from: { key: number; inclusive: boolean },
  batch: number,
): { groups: number[][]; last: number | null } {
  const { column, direction, params } = segment;
  const comparison = (direction === 'ASC' ? '>' : '<') + (from.inclusive ? '=' : '');
  const rows = sql
    .statement(
      `SELECT p.image_id, p.${column} ${keyedFrom} AND p.${column} ${comparison} @key ORDER BY p.${column} ${direction} LIMIT @batch`,
    )
    .raw(true)
    .all({ ...params, key: from.key, batch }) as [number, number][];
  const groups: number[][] = [];
  let groupKey: number | null = null;
  for (const [id, key] of rows) {
    if (key !== groupKey) groups.push([]);
    groups.at(-1)!.push(id);
    groupKey = key;
  }
  if (rows.length < batch) return { groups, last: null };
  // The batch may end inside a group of equal keys: that group is read again, whole.
  groups[groups.length - 1] = sql
    .statement(`SELECT p.image_id ${keyedFrom} AND p.${column} = @key`)
    .pluck()
    .all({ ...params, key: groupKey }) as number[];
  return { groups, last: groupKey };
}

/** The ids of equal keys in the list's order of ties: by path. */
function inPathOrder(sql: SqlRunner, ids: number[], pathDirection: Direction): number[] {
  if (ids.length < 2) return ids;
  return sql
    .statement(
      `SELECT id FROM images WHERE id IN (SELECT value FROM json_each(@ids)) ORDER BY rel_path ${pathDirection}`,
    )
    .pluck()
    .all({ ids: JSON.stringify(ids) }) as number[];
}
