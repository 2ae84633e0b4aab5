/**
 * A model's identity in the catalog is its file's content hash (issue 12, item 5). A row holds
 * the results of exactly one model file. The plain model id (`model_key`) names the file used
 * most recently under that id; another file's row with the same id keeps its results under
 * `<id>@<first 12 hex of its hash>`, and gets the plain id back when that file is used again.
 * So a changed or look-alike model file never takes over, or drops, another file's results.
 */
import type { SqlRunner } from './sql-runner.js';
import { asRow, int, str } from './rows.js';

export interface ModelRowInput {
  key: string;
  fileSha256: string;
  metadataJson: string;
  classCount: number;
  featureDim: number;
}

/** Digits of the hash in the key of a model row set aside for another file with the same id. */
const ARCHIVED_KEY_HASH_DIGITS = 12;

/** Returns the row id of `model`'s file, creating it. Call inside a write transaction. */
export function ensureModelRow(sql: SqlRunner, model: ModelRowInput, at: string): number {
  const byFile: unknown = sql
    .statement(
      'SELECT id FROM models WHERE file_sha256 = ? AND class_count = ? AND feature_dim = ? ORDER BY id LIMIT 1',
    )
    .get(model.fileSha256, model.classCount, model.featureDim);
  const fileRowId = byFile === undefined ? null : int(asRow(byFile, 'models'), 'id');
  const holder: unknown = sql.statement('SELECT id, file_sha256 FROM models WHERE model_key = ?').get(model.key);
  if (holder !== undefined) {
    const row = asRow(holder, 'models');
    if (int(row, 'id') !== fileRowId) setAside(sql, int(row, 'id'), model.key, str(row, 'file_sha256'));
  }
  if (fileRowId !== null) {
    sql
      .statement('UPDATE models SET model_key = ?, metadata_json = ?, updated_at = ? WHERE id = ?')
      .run(model.key, model.metadataJson, at, fileRowId);
    return fileRowId;
  }
  const inserted = sql
    .statement(
      'INSERT INTO models (model_key, file_sha256, metadata_json, class_count, feature_dim, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(model.key, model.fileSha256, model.metadataJson, model.classCount, model.featureDim, at);
  return Number(inserted.lastInsertRowid);
}

/** Moves another file's row off the plain id, keeping its results. */
function setAside(sql: SqlRunner, rowId: number, key: string, fileSha256: string): void {
  let archived = `${key}@${fileSha256.slice(0, ARCHIVED_KEY_HASH_DIGITS)}`;
  // Two rows of one hash differ in shape only (a broken file); the row id keeps their keys apart.
  if (sql.statement('SELECT 1 FROM models WHERE model_key = ?').get(archived) !== undefined)
    archived = `${archived}#${rowId}`;
  sql.statement('UPDATE models SET model_key = ? WHERE id = ?').run(archived, rowId);
}
