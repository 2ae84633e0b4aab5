/**
 * The part of a confidence or uncertainty list that has the model's key (list-walk.ts), in the
 * key's index order, equal keys by path.
 *
 * Where nothing but the model's prediction filters the list, the walk reads the predictions
 * index alone: predictions of images the list does not show (missing ones, indexed; another
 * library's, an index range) are left out with one NOT IN set per query, where there are any;
 * the key at the page's offset and the count before it come from the index, and only the page's
 * rows are joined to their images, for the path order of equal keys. A filter on images or labels
 * instead joins every walked entry to its image (exact, but a table lookup per entry: ~50x slower).
 */
import type { SqlRunner } from './sql-runner.js';
import { complementCount, complementIds, type KeyedLeftOut } from './complement-walk.js';

export type Direction = 'ASC' | 'DESC';

/** A list's filter, as the walks read it. */
export interface WalkFilter {
  /** Every filter clause, over images i, predictions p of @model and labels l, joined with AND. */
  where: string[];
  /**
   * The clauses on p, when they are the whole filter besides the library and presence (read
   * from the predictions indexes alone); else null.
   */
  predictionWhere: string[] | null;
  /**
   * The keyed images the clauses on the image or label leave out, where they are few enough to
   * hold (complement-walk.ts); else null.
   */
  leftOut: KeyedLeftOut | null;
  /** Whether every prediction is of a listed image (predictionsAllListed). */
  allListed: boolean;
  params: Record<string, unknown>;
}

export interface KeyedSegment extends WalkFilter {
  column: 'top1_prob' | 'margin';
  /** The index the key is walked in (the planner may pick the class index for a confidence walk filtered by class). */
  index: 'predictions_by_confidence' | 'predictions_by_margin';
  direction: Direction;
  /** The order of equal keys: ASC in the list's order, DESC when it is walked reversed. */
  pathDirection: Direction;
}

/** What every list asks: the library's images, without those whose file is gone (marked missing by the scanner). */
export const LISTED = ['i.library_id = @library', 'i.missing_since IS NULL'];

/** The clauses of a filter that read the model's prediction (p) alone. */
export const predictionClauses = (where: readonly string[]): string[] =>
  where.filter((clause) => clause.startsWith('p.'));

/** The predictions of listed images: every image is, but for the missing ones and other libraries' (index seeks). */
const LISTED_PREDICTION = `p.image_id NOT IN (SELECT id FROM images WHERE missing_since IS NOT NULL
  UNION ALL SELECT id FROM images WHERE library_id < @library
  UNION ALL SELECT id FROM images WHERE library_id > @library)`;

const before = (direction: Direction): string => (direction === 'ASC' ? '<' : '>');
const after = (direction: Direction): string => (direction === 'ASC' ? '>' : '<');

/**
 * Whether every image is listed (one library, none missing): then every prediction is, and the
 * NOT IN set (a filter per walked entry, ~5x the cost of the walk) is left out. Three index seeks.
 */
export function predictionsAllListed(sql: SqlRunner, libraryId: number): boolean {
  const row = sql
    .statement(`SELECT (SELECT MIN(library_id) FROM images) AS low, (SELECT MAX(library_id) FROM images) AS high,
      EXISTS (SELECT 1 FROM images WHERE library_id = @library AND missing_since IS NOT NULL) AS missing`)
    .get({ library: libraryId }) as { low: number | null; high: number | null; missing: number };
  return (row.low === null || (row.low === libraryId && row.high === libraryId)) && row.missing === 0;
}

/** `FROM ... WHERE ...` of the listed predictions of @model that pass `clauses` (all on p). */
export function listedPredictions(clauses: readonly string[], allListed: boolean, index = ''): string {
  const listed = allListed ? [] : [LISTED_PREDICTION];
  return `FROM predictions p ${index} WHERE ${['p.model_id = @model', ...listed, ...clauses].join(' AND ')}`;
}

/** `limit` ids from `offset` of the segment. */
export function keyedIds(sql: SqlRunner, segment: KeyedSegment, offset: number, limit: number): number[] {
  if (segment.predictionWhere !== null) return keysetWalk(sql, segment, segment.predictionWhere, offset, limit);
  return segment.leftOut === null
    ? joinedWalk(sql, segment, offset, limit)
    : complementIds(sql, segment, keyedFrom(segment, predictionClauses(segment.where)), segment.leftOut, offset, limit);
}

/** How many rows the segment holds. */
export function keyedCount(sql: SqlRunner, segment: KeyedSegment): number {
  if (segment.predictionWhere !== null) {
    const from = keyedFrom(segment, segment.predictionWhere);
    return sql.statement(`SELECT COUNT(*) ${from}`).pluck().get(segment.params) as number;
  }
  return segment.leftOut === null
    ? (sql
        .statement(`SELECT COUNT(*) ${joinedFrom(segment)}`)
        .pluck()
        .get(segment.params) as number)
    : complementCount(sql, segment, keyedFrom(segment, predictionClauses(segment.where)), segment.leftOut);
}

/** Whether the segment's count comes from the predictions index (no image or label read per entry). */
export function keyedCountFromIndex(segment: KeyedSegment): boolean {
  return segment.predictionWhere !== null || segment.leftOut !== null;
}

/** The listed predictions with the key that pass `clauses`, in the index the key is walked in. */
function keyedFrom(segment: KeyedSegment, clauses: readonly string[]): string {
  // The margin index covers the class and confidence filters; a confidence walk is left to the
  // planner, which takes the class index (model, class, confidence) for a class filter.
  const index = segment.column === 'margin' ? `INDEXED BY ${segment.index}` : '';
  return listedPredictions([`p.${segment.column} IS NOT NULL`, ...clauses], segment.allListed, index);
}

function joinedFrom(segment: KeyedSegment): string {
  // CROSS JOIN keeps predictions the outer loop, so rows come in index order (SQLite's planner rule).
  const where = segment.where.join(' AND ');
  // The label only where a clause reads it: an unread LEFT JOIN is still a lookup per row.
  const labels = /\bl\./.test(where) ? 'LEFT JOIN labels l ON l.image_id = i.id' : '';
  return `FROM predictions p INDEXED BY ${segment.index} CROSS JOIN images i ON i.id = p.image_id ${labels}
    WHERE p.model_id = @model AND p.${segment.column} IS NOT NULL AND ${where}`;
}

function joinedWalk(sql: SqlRunner, segment: KeyedSegment, offset: number, limit: number): number[] {
  return sql
    .statement(
      `SELECT i.id ${joinedFrom(segment)} ORDER BY p.${segment.column} ${segment.direction}, i.rel_path ${segment.pathDirection} LIMIT @limit OFFSET @offset`,
    )
    .pluck()
    .all({ ...segment.params, limit, offset }) as number[];
}

/**
 * The key at `offset` does not depend on how equal keys are ordered, so it and the count of
 * keys before it come from the index alone; then the equal keys by path, then the keys after it.
 */
function keysetWalk(sql: SqlRunner, segment: KeyedSegment, clauses: string[], offset: number, limit: number): number[] {
  const { column, direction, pathDirection } = segment;
  const keyed = keyedFrom(segment, clauses);
  const key = sql
    .statement(`SELECT p.${column} ${keyed} ORDER BY p.${column} ${direction} LIMIT 1 OFFSET @offset`)
    .pluck()
    .get({ ...segment.params, offset }) as number | undefined;
  if (key === undefined) return [];
  const params = { ...segment.params, key };
  const earlier = sql
    .statement(`SELECT COUNT(*) ${keyed} AND p.${column} ${before(direction)} @key`)
    .pluck()
    .get(params) as number;
  const joined = `SELECT i.id FROM (SELECT p.image_id, p.${column} ${keyed} AND p.${column}`;
  const equal = sql
    .statement(
      `${joined} = @key) p CROSS JOIN images i ON i.id = p.image_id ORDER BY i.rel_path ${pathDirection} LIMIT @limit OFFSET @skip`,
    )
    .pluck()
    .all({ ...params, limit, skip: offset - earlier }) as number[];
  if (equal.length >= limit) return equal;
  const later = sql
    .statement(
      `${joined} ${after(direction)} @key) p CROSS JOIN images i ON i.id = p.image_id
        ORDER BY p.${column} ${direction}, i.rel_path ${pathDirection} LIMIT @limit`,
    )
    .pluck()
    .all({ ...params, limit: limit - equal.length }) as number[];
  return [...equal, ...later];
}
