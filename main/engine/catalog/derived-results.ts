/**
 * Results of a model that shares its backbone with a model already run on the library (a head
 * trained on the base's features): its predictions are computed from the stored features, and
 * its feature vectors ARE the base's: a settings entry makes `features()` read the base's rows
 * (copying them would write 800 MB for 100,000 2048-d vectors). No image is read or decoded.
 */
import { FieldmarkError } from '../../util/errors.js';
import type { SqlRunner } from './sql-runner.js';
import { asRow, encodeTopK, int, predictionMargin, str } from './rows.js';
import { checkId, checkInteger, checkNumber } from './validate.js';
import type { TopKEntry } from './types.js';

export interface DerivedPrediction {
  imageId: number;
  /** Highest first. */
  topk: TopKEntry[];
}

/**
 * Stores `predictions` for `modelRowId` and makes it share the features of `baseModelRowId`, in
 * one transaction. @throws FieldmarkError InvalidArgument, NotFound for unknown model rows.
 */
export function writeDerivedResults(
  sql: SqlRunner,
  modelRowId: number,
  baseModelRowId: number,
  predictions: readonly DerivedPrediction[],
): number {
  const shape = (id: number) => {
    const found: unknown = sql
      .statement('SELECT class_count, feature_dim FROM models WHERE id = ?')
      .get(checkId('modelRowId', id));
    if (found === undefined)
      throw new FieldmarkError('NotFound', `no model row ${id} in the catalog (call ensureModel first)`);
    const row = asRow(found, 'models');
    return { classCount: int(row, 'class_count'), featureDim: int(row, 'feature_dim') };
  };
  const model = shape(modelRowId);
  const base = shape(baseModelRowId);
  if (model.featureDim !== base.featureDim) {
    throw new FieldmarkError(
      'InvalidArgument',
      `derived results: expected the same feature length as the base model (${base.featureDim}), received ${model.featureDim}`,
    );
  }
  predictions.forEach((p, i) => {
    checkId(`predictions[${i}].imageId`, p.imageId);
    if (p.topk.length === 0)
      throw new FieldmarkError('InvalidArgument', `predictions[${i}].topk: expected at least one entry`);
    p.topk.forEach((e, j) => {
      checkInteger(`predictions[${i}].topk[${j}].index`, e.index, 0, model.classCount - 1);
      checkNumber(`predictions[${i}].topk[${j}].prob`, e.prob, 0, 1 + 1e-5);
    });
  });
  return sql.transaction(() => {
    const at = new Date().toISOString();
    sql
      .statement(
        'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
      )
      .run(sourceKey(modelRowId), JSON.stringify(baseModelRowId));
    // The margin is written here: left NULL, a trigger would compute it with a second UPDATE per row.
    const insert =
      sql.statement(`INSERT INTO predictions (image_id, model_id, top1_index, top1_prob, margin, topk, created_at)
      SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM features WHERE image_id = ? AND model_id = ?)
      ON CONFLICT (image_id, model_id) DO UPDATE SET top1_index = excluded.top1_index, top1_prob = excluded.top1_prob,
        margin = excluded.margin, topk = excluded.topk, created_at = excluded.created_at`);
    let written = 0;
    for (const p of predictions) {
      const top1 = p.topk[0]!;
      // An image without base features (removed or re-indexed meanwhile) gets no prediction either.
      written += insert.run(
        p.imageId,
        modelRowId,
        top1.index,
        Math.min(1, top1.prob),
        predictionMargin(p.topk),
        encodeTopK(p.topk),
        at,
        p.imageId,
        baseModelRowId,
      ).changes;
    }
    return written;
  });
}

const sourceKey = (modelRowId: number): string => `derivedFeatures.${modelRowId}`;

/** The model row whose feature vectors `modelRowId` shares, or null for a model with only its own. */
export function derivedFeatureSource(sql: SqlRunner, modelRowId: number): number | null {
  const found: unknown = sql.statement('SELECT value_json FROM settings WHERE key = ?').get(sourceKey(modelRowId));
  if (found === undefined) return null;
  const value: unknown = JSON.parse(str(asRow(found, 'settings'), 'value_json'));
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value !== modelRowId ? value : null;
}
