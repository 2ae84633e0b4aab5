/** Read queries over labels: current labels, history, counts, the vocabulary and the undo state. */
import type { LabelCount, LabelHistoryEntry, LabelRecord, UndoState, VocabularyEntry } from '../labels/types.js';
import type { SqlRunner } from './sql-runner.js';
import { asRow, asRows, int, labelRank, labelSource, optLabelRank, optNum, optStr, str } from './rows.js';
import type { Row } from './rows.js';

const RECORD_COLUMNS = 'l.image_id, l.label, l.rank, l.label_source, l.score, l.updated_at';

function toRecord(row: Row): LabelRecord {
  return {
    imageId: int(row, 'image_id'),
    label: str(row, 'label'),
    rank: labelRank(row, 'rank'),
    source: labelSource(row, 'label_source'),
    score: optNum(row, 'score'),
    updatedAt: str(row, 'updated_at'),
  };
}

/** Labels of the given images that belong to the library (others are absent from the map). */
export function labelsOf(sql: SqlRunner, libraryId: number, imageIds: readonly number[]): Map<number, LabelRecord> {
  const rows = sql
    .statement(`SELECT ${RECORD_COLUMNS} FROM json_each(?) j JOIN labels l ON l.image_id = j.value JOIN images i ON i.id = l.image_id
      WHERE i.library_id = ?`)
    .all(JSON.stringify(imageIds), libraryId);
  return new Map(asRows(rows, 'labels').map((row) => [int(row, 'image_id'), toRecord(row)]));
}

export function allLabels(sql: SqlRunner, libraryId: number): LabelRecord[] {
  const rows = sql
    .statement(
      `SELECT ${RECORD_COLUMNS} FROM labels l JOIN images i ON i.id = l.image_id WHERE i.library_id = ? ORDER BY l.image_id`,
    )
    .all(libraryId);
  return asRows(rows, 'labels').map(toRecord);
}

/** An image's label history, oldest first, undone entries included (flagged). */
export function labelHistory(sql: SqlRunner, imageId: number): LabelHistoryEntry[] {
  const rows = sql
    .statement(
      'SELECT id, step, old_label, new_label, rank, source, at, undone FROM label_events WHERE image_id = ? ORDER BY id',
    )
    .all(imageId);
  return asRows(rows, 'label_events').map((row) => ({
    eventId: int(row, 'id'),
    step: int(row, 'step'),
    oldLabel: optStr(row, 'old_label'),
    newLabel: optStr(row, 'new_label'),
    rank: optLabelRank(row, 'rank'),
    source: labelSource(row, 'source'),
    at: str(row, 'at'),
    undone: int(row, 'undone') === 1,
  }));
}

/** Images per label (and rank), most first. */
export function labelCounts(sql: SqlRunner, libraryId: number): LabelCount[] {
  const rows = sql
    .statement(`SELECT l.label, l.rank, COUNT(*) AS count FROM labels l JOIN images i ON i.id = l.image_id
      WHERE i.library_id = ? AND i.missing_since IS NULL GROUP BY l.label, l.rank ORDER BY count DESC, l.label ASC`)
    .all(libraryId);
  return asRows(rows, 'label counts').map((row) => ({
    label: str(row, 'label'),
    rank: labelRank(row, 'rank'),
    count: int(row, 'count'),
  }));
}

export function labelledCount(sql: SqlRunner, libraryId: number): number {
  const row = asRow(
    sql
      .statement(
        'SELECT COUNT(*) AS n FROM labels l JOIN images i ON i.id = l.image_id WHERE i.library_id = ? AND i.missing_since IS NULL',
      )
      .get(libraryId),
    'labels',
  );
  return int(row, 'n');
}

/** The user's own entries plus every label in use, by name. */
export function vocabulary(sql: SqlRunner, libraryId: number): VocabularyEntry[] {
  const rows = sql
    .statement(`WITH used AS (
        SELECT l.label, MIN(l.rank) AS rank, COUNT(*) AS count FROM labels l JOIN images i ON i.id = l.image_id
        WHERE i.library_id = @library GROUP BY l.label)
      SELECT v.label, v.rank, COALESCE(u.count, 0) AS count, 1 AS user_added FROM vocabulary v LEFT JOIN used u ON u.label = v.label
        WHERE v.library_id = @library
      UNION ALL
      SELECT u.label, u.rank, u.count, 0 FROM used u
        WHERE NOT EXISTS (SELECT 1 FROM vocabulary v WHERE v.library_id = @library AND v.label = u.label)
      ORDER BY 1`)
    .all({ library: libraryId });
  return asRows(rows, 'vocabulary').map((row) => ({
    label: str(row, 'label'),
    rank: labelRank(row, 'rank'),
    count: int(row, 'count'),
    userAdded: int(row, 'user_added') === 1,
  }));
}

/** The vocabulary entry's rank, or null when the user has not added the label. */
export function vocabularyRank(sql: SqlRunner, libraryId: number, label: string): ReturnType<typeof optLabelRank> {
  const found: unknown = sql
    .statement('SELECT rank FROM vocabulary WHERE library_id = ? AND label = ?')
    .get(libraryId, label);
  return found === undefined ? null : labelRank(asRow(found, 'vocabulary'), 'rank');
}

export function undoState(sql: SqlRunner, libraryId: number): UndoState {
  const undo: unknown = sql
    .statement('SELECT description FROM label_steps WHERE library_id = ? AND undone = 0 ORDER BY id DESC LIMIT 1')
    .pluck()
    .get(libraryId);
  const redo: unknown = sql
    .statement(
      'SELECT description FROM label_steps WHERE library_id = ? AND undone = 1 AND dropped = 0 ORDER BY id ASC LIMIT 1',
    )
    .pluck()
    .get(libraryId);
  return { undo: typeof undo === 'string' ? undo : null, redo: typeof redo === 'string' ? redo : null };
}

export interface LabelExportRow {
  relPath: string;
  label: string | null;
  source: ReturnType<typeof labelSource> | null;
  rank: ReturnType<typeof labelRank> | null;
  labelledAt: string | null;
  /** The model's top-k (JSON as stored), null without a model or prediction. */
  topkJson: string | null;
}

/** One row per image of the library (only labelled ones with `labelsOnly`), by path, with the model's prediction. */
export function labelExportRows(
  sql: SqlRunner,
  libraryId: number,
  modelRowId: number | null,
  labelsOnly: boolean,
): LabelExportRow[] {
  const rows = sql
    .statement(`SELECT i.rel_path, l.label, l.label_source, l.rank, l.updated_at, p.topk
      FROM images i LEFT JOIN labels l ON l.image_id = i.id LEFT JOIN predictions p ON p.image_id = i.id AND p.model_id = @model
      WHERE i.library_id = @library AND i.missing_since IS NULL AND (@labelsOnly = 0 OR l.label IS NOT NULL) ORDER BY i.rel_path`)
    .all({ library: libraryId, model: modelRowId, labelsOnly: labelsOnly ? 1 : 0 });
  return asRows(rows, 'label export').map((row) => {
    const label = optStr(row, 'label');
    return {
      relPath: str(row, 'rel_path'),
      label,
      source: label === null ? null : labelSource(row, 'label_source'),
      rank: label === null ? null : labelRank(row, 'rank'),
      labelledAt: optStr(row, 'updated_at'),
      topkJson: optStr(row, 'topk'),
    };
  });
}
