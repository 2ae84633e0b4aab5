/**
 * Grid tiles for a given list of image ids, in that order: the second half of every page, whose
 * ids come from an index walk (list-walk.ts) or a select-all list (app/image-pager.ts), so a page
 * costs a primary-key lookup per tile, not a join over the library.
 */
import type { SqlRunner } from './sql-runner.js';
import { asRows, int, num, optInt, optLabelRank, optLabelSource, optStr, status, str, type Row } from './rows.js';
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

/** One grid tile from a row of the list columns above. */
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
