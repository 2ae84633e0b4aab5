/**
 * The training set of a library: the stored (unit) feature vectors of the images that carry a
 * user-given label (manual, accepted or imported; propagated and model labels are only
 * suggestions and are never trained on).
 */
import type { FeatureMatrix } from '../catalog/types.js';
import { AUTOMATIC_SOURCES, type LabelRecord } from '../labels/types.js';
import type { TrainingData } from './train-head.js';

export interface LabelledSet extends TrainingData {
  /** Image id of each row. */
  imageIds: Int32Array;
}

/** Whether a label is the user's own decision (trainable, protected from automatic sources). */
export function isUserLabel(record: LabelRecord): boolean {
  return !AUTOMATIC_SOURCES.includes(record.source);
}

/** Row of each image id in `matrix`. */
export function rowIndex(matrix: FeatureMatrix): Map<number, number> {
  const rows = new Map<number, number>();
  for (let r = 0; r < matrix.imageIds.length; r++) rows.set(matrix.imageIds[r]!, r);
  return rows;
}

/** The labelled rows of `matrix`; class names sorted, so the same labels always give the same class order. */
export function labelledSet(matrix: FeatureMatrix, labels: readonly LabelRecord[]): LabelledSet {
  const rows = rowIndex(matrix);
  const usable = labels.filter((record) => isUserLabel(record) && rows.has(record.imageId));
  const classNames = [...new Set(usable.map((record) => record.label))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const classOf = new Map(classNames.map((name, i) => [name, i]));
  const dim = matrix.dim;
  const vectors = new Float32Array(usable.length * dim);
  const imageIds = new Int32Array(usable.length);
  const classes = new Int32Array(usable.length);
  usable.forEach((record, i) => {
    const row = rows.get(record.imageId)!;
    vectors.set(matrix.vectors.subarray(row * dim, (row + 1) * dim), i * dim);
    imageIds[i] = record.imageId;
    classes[i] = classOf.get(record.label)!;
  });
  return { vectors, rows: usable.length, dim, labels: classes, classNames, imageIds };
}
