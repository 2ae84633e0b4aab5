/** Shared between catalog-crash.test and its child writer: the library, model and fake results. */
import type { ImageResult, ModelRecord } from '../../main/engine/catalog/index.js';

export const CRASH_LIBRARY = '/crash-test-library';
export const CRASH_BATCH = 50;
/** A realistic ResNet-50 feature size, so each batch writes ~400 KB and takes a while to commit. */
export const CRASH_DIM = 2048;
export const CRASH_MODEL: ModelRecord = {
  id: 'crash-model',
  fileSha256: 'c'.repeat(64),
  metadataJson: '{"id":"crash-model"}',
  classCount: 100,
  featureDim: CRASH_DIM,
};

/** Deterministic per image; every 7th image fails, like an undecodable file would. */
export function fakeResult(imageId: number, dim: number): ImageResult {
  const fingerprint = imageId.toString(16).padStart(64, '0');
  if (imageId % 7 === 0)
    return {
      imageId,
      ok: false,
      fingerprint,
      errorKind: 'DecodeFailed',
      errorMessage: `image ${imageId} is truncated`,
    };
  const feature = new Float32Array(dim).fill(1 / Math.sqrt(dim));
  return {
    imageId,
    ok: true,
    fingerprint,
    width: 640,
    height: 480,
    orientation: 1,
    format: 'jpeg',
    takenAt: null,
    camera: null,
    topk: [
      { index: imageId % 100, prob: 0.6 },
      { index: (imageId + 1) % 100, prob: 0.3 },
    ],
    feature,
  };
}
