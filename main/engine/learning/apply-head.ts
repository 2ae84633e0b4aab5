/**
 * Applying a trained head to a library already indexed with its base model: probabilities from
 * the stored features (no second pass of the backbone), stored as the new model's predictions,
 * and offered as labels with source `model` (which never replace a user's label).
 */
import type { Catalog } from '../catalog/catalog.js';
import type { FeatureMatrix } from '../catalog/types.js';
import type { LabelStore } from '../labels/label-store.js';
import type { LabelChange } from '../labels/types.js';
import type { SoftmaxHead } from './head.js';
import { headTopKAll } from './head-session.js';

export interface AppliedHead {
  predicted: number;
  labels: LabelChange | null;
}

/**
 * Stores the head's predictions for every image with base features, and (when `store` is given)
 * labels each image with its top-1 as source `model`.
 */
export async function applyHeadToLibrary(
  catalog: Catalog,
  head: SoftmaxHead,
  matrix: FeatureMatrix,
  rows: { modelRowId: number; baseModelRowId: number },
  store: LabelStore | null,
): Promise<AppliedHead> {
  const predictions = await headTopKAll(head, matrix);
  const predicted = catalog.writeDerivedResults(rows.modelRowId, rows.baseModelRowId, predictions);
  if (!store) return { predicted, labels: null };
  const assignments = predictions.map((p) => ({
    imageId: p.imageId,
    label: head.classNames[p.topk[0]!.index]!,
    rank: 'species' as const,
    score: p.topk[0]!.prob,
  }));
  const labels = store.applyEach(assignments, 'model', `Model labels for ${assignments.length} images`);
  return { predicted, labels };
}
