/**
 * Applying a trained head to a library already indexed with its base model: probabilities from
 * the stored features (no second pass of the backbone), stored as the new model's predictions,
 * and offered as labels with source `model` (which never replace a user's label).
 */
import type { Catalog } from '../catalog/catalog.js';
import type { LabelStore } from '../labels/label-store.js';
import type { LabelChange } from '../labels/types.js';
import type { SoftmaxHead } from './head.js';
import { type HeadPrediction, openHeadTopK } from './head-session.js';

/**
 * Rows read and predicted at a time: the features stream through one reused buffer (8192 x 2048
 * floats = 64 MB), so a 100,000-image library never holds (or page-faults in) 800 MB of vectors.
 */
const CHUNK_ROWS = 8192;

export interface AppliedHead {
  predicted: number;
  labels: LabelChange | null;
}

/**
 * Stores the head's predictions for every image of `libraryId` with base features (read in
 * chunks; no backbone pass), and (when `store` is given) labels each image with its top-1 as
 * source `model`.
 */
export async function applyHeadToLibrary(
  catalog: Catalog,
  head: SoftmaxHead,
  libraryId: number,
  rows: { modelRowId: number; baseModelRowId: number },
  store: LabelStore | null,
): Promise<AppliedHead> {
  const predictions = await predictFromStoredFeatures(catalog, head, libraryId, rows.baseModelRowId);
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

/** The head's top-5 for every image of the library with features of `featureModelRowId`, by image id. */
async function predictFromStoredFeatures(
  catalog: Catalog,
  head: SoftmaxHead,
  libraryId: number,
  featureModelRowId: number,
): Promise<HeadPrediction[]> {
  const session = await openHeadTopK(head);
  try {
    const imageIds = new Int32Array(CHUNK_ROWS);
    const vectors = new Float32Array(CHUNK_ROWS * head.dim);
    const predictions: HeadPrediction[] = [];
    let after = 0;
    for (;;) {
      // Each chunk is its own short read (keyset paging), so no statement stays open across the await.
      const rows = catalog.featureChunk(libraryId, featureModelRowId, after, imageIds, vectors);
      if (rows === 0) break;
      for (const p of await session.run(imageIds, vectors, rows)) predictions.push(p);
      if (rows < CHUNK_ROWS) break;
      after = imageIds[rows - 1]!;
    }
    return predictions;
  } finally {
    await session.release();
  }
}
