/**
 * Label writes: every change is one undo step (a `label_steps` row) whose per-image events in
 * `label_events` hold both the old and the new state, so undo and redo are set-based SQL over one
 * step and survive a restart. Work is done in bulk through a temp table: labelling 100,000 images
 * is a handful of statements, not 300,000.
 */
import { FieldmarkError } from '../../util/errors.js';
import { AUTOMATIC_SOURCES } from '../labels/types.js';
import type { LabelChange, LabelRank, LabelSource } from '../labels/types.js';
import type { SqlRunner } from './sql-runner.js';
import { asRow, asRows, int, labelRank, labelSource, optNum } from './rows.js';

/** One image's wanted state; `label: null` clears it. */
export interface LabelRow {
  imageId: number;
  label: string | null;
  rank: LabelRank | null;
  source: LabelSource;
  score: number | null;
}

const now = (): string => new Date().toISOString();
const AUTOMATIC_SQL = `(${AUTOMATIC_SOURCES.map((s) => `'${s}'`).join(', ')})`;

function ensureInputTable(sql: SqlRunner): void {
  // Per connection; a no-op once it exists (so prepared statements stay valid).
  sql.db.exec(`CREATE TEMP TABLE IF NOT EXISTS label_input (
    image_id INTEGER PRIMARY KEY, label TEXT, rank TEXT, source TEXT NOT NULL, score REAL)`);
}

function imageIdsOf(sql: SqlRunner, query: string, ...params: unknown[]): number[] {
  return sql
    .statement(query)
    .pluck()
    .all(...params) as number[];
}

/**
 * Applies `rows` (one per image; the last one wins for a repeated id) as ONE undo step.
 * Rows from an automatic source skip images whose label comes from a user-driven source; rows
 * that would change nothing are dropped; a step that changes nothing is not recorded.
 * @throws FieldmarkError InvalidArgument naming the ids that are not images of the library (nothing is written).
 */
export function applyLabelRows(
  sql: SqlRunner,
  libraryId: number,
  rows: readonly LabelRow[],
  description: string,
): LabelChange {
  ensureInputTable(sql);
  // One row per image, the last one winning (a selection may name an image twice).
  const unique = new Map<number, LabelRow>();
  for (const row of rows) unique.set(row.imageId, row);
  const payload = JSON.stringify(Array.from(unique.values(), (r) => [r.imageId, r.label, r.rank, r.source, r.score]));
  return sql.transaction((): LabelChange => {
    sql.statement('DELETE FROM temp.label_input').run();
    sql
      .statement(`INSERT INTO temp.label_input (image_id, label, rank, source, score)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)`)
      .run(payload);
    const foreign = imageIdsOf(
      sql,
      `SELECT t.image_id FROM temp.label_input t WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = t.image_id AND i.library_id = ?)
        ORDER BY t.image_id LIMIT 11`,
      libraryId,
    );
    if (foreign.length > 0) {
      const named = foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? ', ...' : '');
      throw new FieldmarkError(
        'InvalidArgument',
        `imageIds: expected images of library ${libraryId} but received ids that are not: ${named}`,
      );
    }
    const protectedIds = imageIdsOf(
      sql,
      `SELECT t.image_id FROM temp.label_input t JOIN labels l ON l.image_id = t.image_id
        WHERE t.source IN ${AUTOMATIC_SQL} AND l.label_source NOT IN ${AUTOMATIC_SQL} ORDER BY t.image_id`,
    );
    if (protectedIds.length > 0) {
      sql
        .statement(`DELETE FROM temp.label_input WHERE source IN ${AUTOMATIC_SQL} AND image_id IN
          (SELECT l.image_id FROM labels l WHERE l.image_id = label_input.image_id AND l.label_source NOT IN ${AUTOMATIC_SQL})`)
        .run();
    }
    // Nothing to do for images already in the wanted state.
    sql
      .statement(`DELETE FROM temp.label_input WHERE
        (label IS NULL AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = label_input.image_id))
        OR EXISTS (SELECT 1 FROM labels l WHERE l.image_id = label_input.image_id AND l.label = label_input.label
          AND l.rank = label_input.rank AND l.label_source = label_input.source AND l.score IS label_input.score)`)
      .run();
    const changed = imageIdsOf(sql, 'SELECT image_id FROM temp.label_input ORDER BY image_id');
    if (changed.length === 0) return { step: null, changedImageIds: [], protectedImageIds: protectedIds };
    const at = now();
    // A new action ends the redo stack (as in every editor).
    sql
      .statement('UPDATE label_steps SET dropped = 1 WHERE library_id = ? AND undone = 1 AND dropped = 0')
      .run(libraryId);
    const step = Number(
      sql
        .statement('INSERT INTO label_steps (library_id, description, at) VALUES (?, ?, ?)')
        .run(libraryId, description, at).lastInsertRowid,
    );
    sql
      .statement(`INSERT INTO label_events (image_id, step, old_label, old_rank, old_source, old_score, old_at, new_label, rank, source, score, at)
        SELECT t.image_id, @step, l.label, l.rank, l.label_source, l.score, l.updated_at,
          t.label, CASE WHEN t.label IS NULL THEN NULL ELSE t.rank END, t.source, t.score, @at
        FROM temp.label_input t LEFT JOIN labels l ON l.image_id = t.image_id`)
      .run({ step, at });
    applySide(sql, step, 'new');
    return { step, changedImageIds: changed, protectedImageIds: protectedIds };
  });
}

/** Writes one side (the state before, or after) of a step's events into `labels`. */
function applySide(sql: SqlRunner, step: number, side: 'old' | 'new'): void {
  const [label, rank, source, score, at] =
    side === 'old'
      ? ['old_label', 'old_rank', 'old_source', 'old_score', 'old_at']
      : ['new_label', 'rank', 'source', 'score', 'at'];
  sql
    .statement(
      `DELETE FROM labels WHERE image_id IN (SELECT image_id FROM label_events WHERE step = ? AND ${label} IS NULL)`,
    )
    .run(step);
  sql
    .statement(`INSERT INTO labels (image_id, label, label_source, rank, score, updated_at)
      SELECT image_id, ${label}, ${source}, COALESCE(${rank}, 'species'), ${score}, COALESCE(${at}, at) FROM label_events
      WHERE step = ? AND ${label} IS NOT NULL
      ON CONFLICT (image_id) DO UPDATE SET label = excluded.label, label_source = excluded.label_source, rank = excluded.rank,
        score = excluded.score, updated_at = excluded.updated_at`)
    .run(step);
}

/** Undoes the library's latest applied step; null when there is none. */
export function undoStep(sql: SqlRunner, libraryId: number): LabelChange | null {
  return sql.transaction((): LabelChange | null => {
    const found: unknown = sql
      .statement('SELECT id FROM label_steps WHERE library_id = ? AND undone = 0 ORDER BY id DESC LIMIT 1')
      .get(libraryId);
    if (found === undefined) return null;
    const step = int(asRow(found, 'label_steps'), 'id');
    applySide(sql, step, 'old');
    sql.statement('UPDATE label_steps SET undone = 1 WHERE id = ?').run(step);
    sql.statement('UPDATE label_events SET undone = 1 WHERE step = ?').run(step);
    return {
      step,
      changedImageIds: imageIdsOf(sql, 'SELECT image_id FROM label_events WHERE step = ? ORDER BY image_id', step),
      protectedImageIds: [],
    };
  });
}

/** Redoes the step undone last (unless a new action came since); null when there is none. */
export function redoStep(sql: SqlRunner, libraryId: number): LabelChange | null {
  return sql.transaction((): LabelChange | null => {
    const found: unknown = sql
      .statement(
        'SELECT id FROM label_steps WHERE library_id = ? AND undone = 1 AND dropped = 0 ORDER BY id ASC LIMIT 1',
      )
      .get(libraryId);
    if (found === undefined) return null;
    const step = int(asRow(found, 'label_steps'), 'id');
    applySide(sql, step, 'new');
    sql.statement('UPDATE label_steps SET undone = 0 WHERE id = ?').run(step);
    sql.statement('UPDATE label_events SET undone = 0 WHERE step = ?').run(step);
    return {
      step,
      changedImageIds: imageIdsOf(sql, 'SELECT image_id FROM label_events WHERE step = ? ORDER BY image_id', step),
      protectedImageIds: [],
    };
  });
}

/** The library that holds an image. @throws FieldmarkError NotFound */
export function libraryOfImage(sql: SqlRunner, imageId: number): number {
  const found: unknown = sql.statement('SELECT library_id FROM images WHERE id = ?').get(imageId);
  if (found === undefined) throw new FieldmarkError('NotFound', `imageId: no image ${imageId} in the catalog`);
  return int(asRow(found, 'images'), 'library_id');
}

/** Adds (or re-ranks) a vocabulary entry. */
export function addVocabulary(sql: SqlRunner, libraryId: number, label: string, rank: LabelRank): void {
  sql
    .statement(`INSERT INTO vocabulary (library_id, label, rank, added_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (library_id, label) DO UPDATE SET rank = excluded.rank`)
    .run(libraryId, label, rank, now());
}

/** Renames a vocabulary entry (if there is one and the new name has none). */
export function renameVocabulary(sql: SqlRunner, libraryId: number, from: string, into: string): void {
  sql.transaction(() => {
    const exists =
      sql.statement('SELECT 1 FROM vocabulary WHERE library_id = ? AND label = ?').get(libraryId, into) !== undefined;
    if (exists) sql.statement('DELETE FROM vocabulary WHERE library_id = ? AND label = ?').run(libraryId, from);
    else sql.statement('UPDATE vocabulary SET label = ? WHERE library_id = ? AND label = ?').run(into, libraryId, from);
  });
}

/**
 * Removes a vocabulary entry.
 * @throws FieldmarkError InvalidArgument while images still carry the label.
 */
export function removeVocabulary(sql: SqlRunner, libraryId: number, label: string): void {
  sql.transaction(() => {
    const count = int(
      asRow(
        sql
          .statement(
            'SELECT COUNT(*) AS n FROM labels l JOIN images i ON i.id = l.image_id WHERE i.library_id = ? AND l.label = ?',
          )
          .get(libraryId, label),
        'labels',
      ),
      'n',
    );
    if (count > 0) {
      throw new FieldmarkError(
        'InvalidArgument',
        `label "${label}": expected an unused label but ${count} image${count === 1 ? '' : 's'} carry it (rename, merge or clear them first)`,
      );
    }
    const removed = sql.statement('DELETE FROM vocabulary WHERE library_id = ? AND label = ?').run(libraryId, label);
    if (removed.changes === 0) throw new FieldmarkError('NotFound', `label "${label}" is not in the vocabulary`);
  });
}

/** Current labels of the library's images carrying `label`, as rows to rewrite (rename/merge). */
export function rowsWithLabel(sql: SqlRunner, libraryId: number, label: string): LabelRow[] {
  const rows = sql
    .statement(`SELECT l.image_id, l.rank, l.label_source, l.score FROM labels l JOIN images i ON i.id = l.image_id
      WHERE i.library_id = ? AND l.label = ? ORDER BY l.image_id`)
    .all(libraryId, label);
  return asRows(rows, 'labels').map((row) => ({
    imageId: int(row, 'image_id'),
    label: null,
    rank: labelRank(row, 'rank'),
    source: labelSource(row, 'label_source'),
    score: optNum(row, 'score'),
  }));
}
