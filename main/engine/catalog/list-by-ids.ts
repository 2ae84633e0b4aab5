/**
 * Grid tiles for a given list of image ids, in that order: the second half of a page served from a
 * cached ordered id list (app/image-pager.ts), so a deep page costs a primary-key lookup per tile
 * instead of a sort of the whole library.
 */
import type { SqlRunner } from './sql-runner.js';
import { asRows, int } from './rows.js';
import { toListItem } from './image-queries.js';
import { checkId } from './validate.js';
import type { ImageListItem } from './types.js';

/** The tiles of `imageIds` (at most a page) that still exist, in the order given. */
export function listItemsByIds(
  sql: SqlRunner,
  imageIds: readonly number[],
  modelRowId: number | null,
): ImageListItem[] {
  if (modelRowId !== null) checkId('modelRowId', modelRowId);
  if (imageIds.length === 0) return [];
  const rows = asRows(
    sql
      .statement(`SELECT i.id, i.rel_path, i.status, i.size, i.mtime_ms, i.width, i.height, i.format, i.taken_at, i.error_kind,
        p.top1_index, p.top1_prob, l.label, l.label_source, l.rank AS label_rank
        FROM images i LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = @model LEFT JOIN labels l ON l.image_id = i.id
        WHERE i.id IN (SELECT value FROM json_each(@ids))`)
      .all({ model: modelRowId, ids: JSON.stringify(imageIds) }),
    'images',
  );
  const byId = new Map(rows.map((row) => [int(row, 'id'), row]));
  const items: ImageListItem[] = [];
  for (const id of imageIds) {
    const row = byId.get(id);
    if (row) items.push(toListItem(row));
  }
  return items;
}
