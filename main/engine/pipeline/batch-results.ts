/**
 * The result-writing side of the indexing job: turns one batch of model outputs (and the
 * failed loads riding along) into catalog rows, prediction events and feature vectors.
 */
import type { ImageResult } from '../catalog/index.js';
import { topK, l2NormalizedRow } from '../inference/postprocess.js';
import type { ModelMetadata } from '../../zoo/onnx/model-metadata.js';
import type { LoadedImage } from './image-loader.js';
import type { PredictionItem } from './events.js';

export type LoadedOk = Extract<LoadedImage, { ok: true }>;
export type LoadedFailure = Extract<LoadedImage, { ok: false }>;

export interface BatchResults {
  results: ImageResult[];
  predictions: PredictionItem[];
  /** The batch's L2-normalised feature rows, one after the other. */
  vectors: Float32Array;
  dim: number;
}

/** Catalog rows and events of one batch; `output` is null for a write of failures only. */
export function batchResults(
  batch: LoadedOk[],
  output: { probabilities: Float32Array; features: Float32Array } | null,
  failures: LoadedFailure[],
  metadata: ModelMetadata,
  k: number,
): BatchResults {
  const classCount = metadata.classNames.length;
  const dim = metadata.featureDim;
  const results: ImageResult[] = [];
  const predictions: PredictionItem[] = [];
  const vectors = new Float32Array(batch.length * dim);
  batch.forEach((item, row) => {
    const topk = topK(output!.probabilities, row, classCount, k);
    const feature = l2NormalizedRow(output!.features, row, dim);
    vectors.set(feature, row * dim);
    const { prepared } = item;
    results.push({
      imageId: item.image.id,
      ok: true,
      fingerprint: item.fingerprint,
      width: prepared.width,
      height: prepared.height,
      orientation: prepared.orientation,
      format: prepared.format,
      takenAt: prepared.exif.takenAt,
      camera: prepared.exif.camera,
      topk,
      feature,
    });
    predictions.push({ imageId: item.image.id, relPath: item.image.relPath, topk });
  });
  for (const failure of failures) {
    results.push({
      imageId: failure.image.id,
      ok: false,
      fingerprint: failure.fingerprint,
      errorKind: failure.kind,
      errorMessage: failure.message,
    });
  }
  return { results, predictions, vectors, dim };
}
