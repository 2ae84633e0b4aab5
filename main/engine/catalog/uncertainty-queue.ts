/**
 * The review queue (sort "uncertainty"): images by the margin between their top-1 and top-2
 * probabilities, read in the order of the `predictions_by_margin` index instead of sorting every
 * row of the library, then the images without a prediction (NULLS LAST) by path.
 */
import type { SqlRunner } from './sql-runner.js';

export interface QueueParts {
  /** Columns to select (over i, p, l). */
  columns: string;
  /** The filter clauses (over i, p, l), joined with AND. */
  where: string[];
  params: Record<string, unknown>;
  order: 'ASC' | 'DESC';
}

function predictedSql(parts: QueueParts): string {
  // CROSS JOIN keeps predictions the outer loop, so rows come in index order (SQLite's planner rule).
  return `SELECT ${parts.columns} FROM predictions p INDEXED BY predictions_by_margin CROSS JOIN images i ON i.id = p.image_id
    LEFT JOIN labels l ON l.image_id = i.id
    WHERE p.model_id = @model AND ${parts.where.join(' AND ')} ORDER BY p.margin ${parts.order}, i.rel_path ASC`;
}

function unpredictedSql(parts: QueueParts): string {
  return `SELECT ${parts.columns} FROM images i LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = @model
    LEFT JOIN labels l ON l.image_id = i.id
    WHERE p.image_id IS NULL AND ${parts.where.join(' AND ')} ORDER BY i.rel_path ASC`;
}

/** One page of the queue (`limit` -1: no limit). */
export function uncertaintyPage(sql: SqlRunner, parts: QueueParts, offset: number, limit: number): unknown[] {
  const predicted = sql
    .statement(`${predictedSql(parts)} LIMIT @limit OFFSET @offset`)
    .all({ ...parts.params, limit, offset });
  if (limit !== -1 && predicted.length >= limit) return predicted;
  // The page runs past the predicted images: the rest comes from those without a prediction.
  const predictedCount =
    predicted.length > 0
      ? offset + predicted.length
      : (sql
          .statement(`SELECT COUNT(*) FROM (${predictedSql({ ...parts, columns: '1' })})`)
          .pluck()
          .get(parts.params) as number);
  const rest = limit === -1 ? -1 : limit - predicted.length;
  const unpredicted = sql
    .statement(`${unpredictedSql(parts)} LIMIT @limit OFFSET @offset`)
    .all({ ...parts.params, limit: rest, offset: Math.max(0, offset - predictedCount) });
  return [...predicted, ...unpredicted];
}
