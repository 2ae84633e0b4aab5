/**
 * The ids of one page of an image list, read by walking the sort's index (issue 12) instead of
 * sorting the library: name and date walk the present-images indexes (`images_present_by_path`,
 * `images_present_by_date`), confidence and uncertainty walk the model's predictions index
 * (`predictions_by_confidence`, `predictions_by_margin`; equal keys are sorted by path as they
 * come) and then the images without a key by path (NULLS LAST). A page in the second half of
 * the list is read from the far end in the reversed order, so no page walks more than half the
 * list: at 100,000 images any page costs at most a 50,000-entry index walk, never a sort.
 */
import type { SqlRunner } from './sql-runner.js';
import {
  keyedCount,
  keyedCountFromIndex,
  keyedIds,
  type Direction,
  type KeyedSegment,
  type WalkFilter,
} from './prediction-walk.js';

export type ListSort = 'name' | 'date' | 'confidence' | 'uncertainty';

export interface WalkParts extends WalkFilter {
  sort: ListSort;
  order: Direction;
}

const flip = (direction: Direction): Direction => (direction === 'ASC' ? 'DESC' : 'ASC');

/**
 * `FROM images i` with the model's prediction (p) and the label (l) joined only where `clauses`
 * read them: SQLite keeps an unread LEFT JOIN, a lookup per walked row (~10x a count of 100k).
 * `index` names the present-images index to read: given statistics, the planner may take the
 * UNIQUE (library_id, rel_path) index instead, and look up every row for its missing_since.
 */
export function imagesFrom(
  clauses: readonly string[],
  index?: 'images_present_by_path' | 'images_present_by_date',
): string {
  const text = clauses.join(' ');
  const predictions = /\bp\./.test(text) ? ' LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = @model' : '';
  const labels = /\bl\./.test(text) ? ' LEFT JOIN labels l ON l.image_id = i.id' : '';
  const indexed = index === undefined ? '' : ` INDEXED BY ${index}`;
  return `FROM images i${indexed}${predictions}${labels} WHERE ${clauses.join(' AND ')}`;
}

/** The count's FROM: a filter on the path is read from the path index (it holds path and status), not the rows. */
export function imagesCountFrom(clauses: readonly string[]): string {
  return imagesFrom(
    clauses,
    clauses.some((clause) => clause.startsWith('i.rel_path')) ? 'images_present_by_path' : undefined,
  );
}

/** The prediction column and its index of the sorts that order by the model's output. */
const PREDICTION_KEYS = {
  confidence: { column: 'top1_prob', index: 'predictions_by_confidence' },
  uncertainty: { column: 'margin', index: 'predictions_by_margin' },
} as const;

/** Ids of `limit` rows from `offset` in the list's order (`limit` -1: to the end), given the list's `total`. */
export function pageIds(sql: SqlRunner, parts: WalkParts, total: number, offset: number, limit: number): number[] {
  const end = limit === -1 ? total : Math.min(total, offset + limit);
  if (offset >= end) return [];
  // From the far end: the same rows in the reversed order, skipping what lies after the page.
  if (limit !== -1 && offset > total - end) return walk(sql, parts, total, true, total - end, end - offset).reverse();
  return walk(sql, parts, total, false, offset, end - offset);
}

function walk(
  sql: SqlRunner,
  parts: WalkParts,
  total: number,
  reversed: boolean,
  offset: number,
  limit: number,
): number[] {
  const direction = reversed ? flip(parts.order) : parts.order;
  const run = (text: string, skip: number, take: number): number[] =>
    sql
      .statement(`${text} LIMIT @limit OFFSET @offset`)
      .pluck()
      .all({ ...parts.params, limit: take, offset: skip }) as number[];
  if (parts.sort === 'name')
    return run(
      `SELECT i.id ${imagesFrom(parts.where, 'images_present_by_path')} ORDER BY i.rel_path ${direction}`,
      offset,
      limit,
    );
  if (parts.sort === 'date')
    return run(
      `SELECT i.id ${imagesFrom(parts.where, 'images_present_by_date')} ORDER BY i.sort_date ${direction}, i.rel_path ${direction}`,
      offset,
      limit,
    );
  // The rows with the model's key (prediction-walk.ts), then the rest (no prediction, or no key)
  // by path ascending; reversed: the rest by path descending, then the keyed rows reversed.
  const { column, index } = PREDICTION_KEYS[parts.sort];
  const pathDirection: Direction = reversed ? 'DESC' : 'ASC';
  const keyed: KeyedSegment = { ...parts, column, index, direction, pathDirection };
  const keylessFrom = imagesFrom([`p.${column} IS NULL`, ...parts.where], 'images_present_by_path');
  const keylessSql = `SELECT i.id ${keylessFrom} ORDER BY i.rel_path ${pathDirection}`;
  // Where the keyed rows are counted from the predictions index (prediction-walk.ts), the rest is what it does not count.
  const countedFromIndex = keyedCountFromIndex(keyed);
  const keylessCount = (): number =>
    countedFromIndex
      ? total - keyedCount(sql, keyed)
      : (sql.statement(`SELECT COUNT(*) ${keylessFrom}`).pluck().get(parts.params) as number);
  const segments = [
    { ids: (skip: number, take: number) => keyedIds(sql, keyed, skip, take), count: () => keyedCount(sql, keyed) },
    { ids: (skip: number, take: number) => run(keylessSql, skip, take), count: keylessCount },
  ];
  const [first, second] = reversed ? [segments[1]!, segments[0]!] : [segments[0]!, segments[1]!];
  // Reversed, a page beyond the keyless part skips it by its count (from the predictions index)
  // instead of walking every image to find where it ends.
  const knownCount = reversed && countedFromIndex ? first.count() : null;
  const head = knownCount !== null && offset >= knownCount ? [] : first.ids(offset, limit);
  if (head.length >= limit) return head;
  // The page runs past the first part: its size is known unless the page began beyond it.
  const firstCount = knownCount ?? (head.length > 0 ? offset + head.length : first.count());
  return [...head, ...second.ids(Math.max(0, offset - firstCount), limit - head.length)];
}
