/** Per-image prediction lookups for labelling (accept the top-1 of a selection). */
import { asRows, int } from './rows.js';
import type { SqlRunner } from './sql-runner.js';

/** The top-1 class index of each image that has a prediction of the model (others are absent). */
export function top1Of(sql: SqlRunner, modelRowId: number, imageIds: readonly number[]): Map<number, number> {
  // json_each takes any number of ids in one statement (no 999-parameter limit, one plan).
  const rows = sql
    .statement(
      'SELECT p.image_id, p.top1_index FROM predictions p WHERE p.model_id = ? AND p.image_id IN (SELECT value FROM json_each(?))',
    )
    .all(modelRowId, JSON.stringify(imageIds));
  const found = new Map<number, number>();
  for (const row of asRows(rows, 'predictions')) found.set(int(row, 'image_id'), int(row, 'top1_index'));
  return found;
}
