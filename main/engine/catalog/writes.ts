/** The catalog's write operations. Each call is one transaction and every write is an upsert, so re-running is harmless. */
import { FieldmarkError } from '../../util/errors.js';
import type { SqlRunner } from './sql-runner.js';
import { ensureModelRow } from './model-rows.js';
import { asRow, encodeFeature, encodeTopK, int, predictionMargin } from './rows.js';
import { checkId, checkInteger, checkNumber, checkSha256, checkString, normalizeTakenAt } from './validate.js';
import { sortDateSql } from './sort-date.js';
import type { ImageResult, ModelRecord, TopKEntry } from './types.js';

const now = (): string => new Date().toISOString();
const PROBABILITY_SLACK = 1e-5;

export function ensureLibrary(sql: SqlRunner, rootRealPath: string): number {
  checkString('rootRealPath', rootRealPath);
  sql
    .statement('INSERT INTO libraries (root_path, created_at) VALUES (?, ?) ON CONFLICT (root_path) DO NOTHING')
    .run(rootRealPath, now());
  return int(
    asRow(sql.statement('SELECT id FROM libraries WHERE root_path = ?').get(rootRealPath), 'libraries.id'),
    'id',
  );
}

/**
 * The row of a model file, found by its content hash (see model-rows.ensureModelRow): results
 * are only ever credited to the file that computed them, and none are dropped when a file changes.
 */
export function ensureModel(sql: SqlRunner, model: ModelRecord): number {
  const key = checkString('model.id', model.id, 200);
  const fileSha256 = checkSha256('model.fileSha256', model.fileSha256);
  const classCount = checkInteger('model.classCount', model.classCount, 1);
  const featureDim = checkInteger('model.featureDim', model.featureDim, 1);
  checkString('model.metadataJson', model.metadataJson, 16 * 1024 * 1024);
  try {
    JSON.parse(model.metadataJson);
  } catch (error) {
    throw new FieldmarkError(
      'InvalidArgument',
      `model.metadataJson of "${key}": expected JSON text but it does not parse`,
      { cause: error },
    );
  }
  return sql.transaction(() =>
    ensureModelRow(sql, { key, fileSha256, metadataJson: model.metadataJson, classCount, featureDim }, now()),
  );
}

function modelShape(sql: SqlRunner, modelRowId: number): { classCount: number; featureDim: number } {
  const found: unknown = sql
    .statement('SELECT class_count, feature_dim FROM models WHERE id = ?')
    .get(checkId('modelRowId', modelRowId));
  if (found === undefined)
    throw new FieldmarkError(
      'NotFound',
      `modelRowId: no model row ${modelRowId} in the catalog (call ensureModel first)`,
    );
  const row = asRow(found, 'models');
  return { classCount: int(row, 'class_count'), featureDim: int(row, 'feature_dim') };
}

function checkTopK(where: string, topk: unknown, classCount: number): TopKEntry[] {
  if (!Array.isArray(topk) || topk.length === 0)
    throw new FieldmarkError(
      'InvalidArgument',
      `${where}.topk: expected a non-empty array but received ${String(topk)}`,
    );
  const entries = topk.map((entry: unknown, i): TopKEntry => {
    const candidate = (entry ?? {}) as { index?: unknown; prob?: unknown };
    return {
      index: checkInteger(`${where}.topk[${i}].index`, candidate.index, 0, classCount - 1),
      // float32 softmax can round a hair above 1; anything more is a broken model output.
      prob: Math.min(1, checkNumber(`${where}.topk[${i}].prob`, candidate.prob, 0, 1 + PROBABILITY_SLACK)),
    };
  });
  // Highest first, so topk[0] is the top-1 whatever order the caller used.
  return entries.sort((a, b) => b.prob - a.prob || a.index - b.index);
}

function checkResult(result: ImageResult, i: number, shape: { classCount: number; featureDim: number }): ImageResult {
  const where = `results[${i}]`;
  checkId(`${where}.imageId`, result.imageId);
  if (result.fingerprint !== null) checkSha256(`${where}.fingerprint`, result.fingerprint);
  if (!result.ok) {
    checkString(`${where}.errorKind`, result.errorKind, 100);
    checkString(`${where}.errorMessage`, result.errorMessage, 10_000);
    return result;
  }
  checkInteger(`${where}.width`, result.width, 1);
  checkInteger(`${where}.height`, result.height, 1);
  checkInteger(`${where}.orientation`, result.orientation, 1, 8);
  checkString(`${where}.format`, result.format, 32);
  if (!(result.feature instanceof Float32Array) || result.feature.length !== shape.featureDim) {
    throw new FieldmarkError(
      'InvalidArgument',
      `${where}.feature: expected a Float32Array of ${shape.featureDim} values (the model's feature dimension) but received ${result.feature instanceof Float32Array ? `${result.feature.length} values` : typeof result.feature}`,
    );
  }
  if (!result.feature.every(Number.isFinite))
    throw new FieldmarkError(
      'InvalidArgument',
      `${where}.feature: expected finite values but it holds NaN or Infinity`,
    );
  return {
    ...result,
    topk: checkTopK(where, result.topk, shape.classCount),
    takenAt: normalizeTakenAt(result.takenAt),
  };
}

/**
 * Stores one inference batch in ONE transaction: either all of it is in the file or none.
 * Results of images that were removed, or whose content changed since they were read (stored
 * fingerprint differs), are dropped: the image stays as the scanner left it.
 * @throws FieldmarkError InvalidArgument (nothing is written), NotFound for an unknown model row.
 */
export function writeResults(sql: SqlRunner, modelRowId: number, results: readonly ImageResult[]): void {
  const shape = modelShape(sql, modelRowId);
  const checked = results.map((result, i) => checkResult(result, i, shape));
  sql.transaction(() => {
    const at = now();
    for (const result of checked) {
      if (result.ok) {
        const updated = sql
          .statement(`UPDATE images SET fingerprint = @fingerprint, width = @width, height = @height, orientation = @orientation,
              format = @format, taken_at = @takenAt, camera = @camera, status = 'ok', error_kind = NULL, error_message = NULL,
              updated_at = @at, sort_date = ${sortDateSql('@takenAt', 'mtime_ms')}
            WHERE id = @imageId AND (fingerprint IS NULL OR fingerprint = @fingerprint)`)
          .run({
            fingerprint: result.fingerprint,
            width: result.width,
            height: result.height,
            orientation: result.orientation,
            format: result.format,
            takenAt: result.takenAt,
            camera: result.camera,
            at,
            imageId: result.imageId,
          });
        if (updated.changes === 0) continue;
        const top1 = result.topk[0] as TopKEntry;
        sql
          .statement(`INSERT INTO predictions (image_id, model_id, top1_index, top1_prob, margin, topk, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (image_id, model_id) DO UPDATE SET top1_index = excluded.top1_index, top1_prob = excluded.top1_prob,
              margin = excluded.margin, topk = excluded.topk, created_at = excluded.created_at`)
          .run(
            result.imageId,
            modelRowId,
            top1.index,
            top1.prob,
            predictionMargin(result.topk),
            encodeTopK(result.topk),
            at,
          );
        sql
          .statement(`INSERT INTO features (image_id, model_id, dim, vector) VALUES (?, ?, ?, ?)
            ON CONFLICT (image_id, model_id) DO UPDATE SET dim = excluded.dim, vector = excluded.vector`)
          .run(result.imageId, modelRowId, result.feature.length, encodeFeature(result.feature));
      } else {
        const updated = sql
          .statement(`UPDATE images SET fingerprint = COALESCE(@fingerprint, fingerprint), width = NULL, height = NULL, orientation = NULL,
              format = NULL, taken_at = NULL, camera = NULL, status = 'failed', error_kind = @errorKind, error_message = @errorMessage,
              updated_at = @at, sort_date = ${sortDateSql('NULL', 'mtime_ms')}
            WHERE id = @imageId AND (@fingerprint IS NULL OR fingerprint IS NULL OR fingerprint = @fingerprint)`)
          .run({
            fingerprint: result.fingerprint,
            errorKind: result.errorKind,
            errorMessage: result.errorMessage,
            at,
            imageId: result.imageId,
          });
        if (updated.changes === 0) continue;
        sql.statement('DELETE FROM predictions WHERE image_id = ? AND model_id = ?').run(result.imageId, modelRowId);
        sql.statement('DELETE FROM features WHERE image_id = ? AND model_id = ?').run(result.imageId, modelRowId);
      }
    }
  });
}

/** Stores a JSON-serialisable setting; `undefined` deletes it. */
export function setSetting(sql: SqlRunner, key: string, value: unknown): void {
  checkString('key', key, 200);
  if (value === undefined) {
    sql.statement('DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  sql
    .statement(
      'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
    )
    .run(key, JSON.stringify(value));
}

/**
 * Puts a library's failed images back in the queue (after a decoder upgrade, or a file that was
 * locked). Returns how many. Their error is cleared; the next run reports it again if it persists.
 */
export function retryFailed(sql: SqlRunner, libraryId: number): number {
  checkId('libraryId', libraryId);
  const changed = sql
    .statement(
      "UPDATE images SET status = 'pending', error_kind = NULL, error_message = NULL, updated_at = ? WHERE library_id = ? AND status = 'failed'",
    )
    .run(now(), libraryId);
  return Number(changed.changes);
}
