/**
 * Applying a trained head to a library indexed with its base model: predictions from the stored
 * features (JS head, top-5) and their storage (features shared with the base, copied inside
 * SQLite), no backbone pass. Measured on a synthetic catalog of N images x 2048-d features.
 */
import { join } from 'node:path';
import { Catalog } from '../main/engine/catalog/index.js';
import { applyHeadToLibrary } from '../main/engine/learning/apply-head.js';
import { seededRandom } from '../main/engine/learning/folds.js';
import type { ImageResult } from '../main/engine/catalog/types.js';

export interface ApplyFigures {
  images: number;
  dim: number;
  classes: number;
  seconds: number;
}

export async function measureApply(work: string, images = 20_000, dim = 2048, classes = 10): Promise<ApplyFigures> {
  const catalog = Catalog.open(join(work, 'apply.sqlite'));
  try {
    const libraryId = catalog.ensureLibrary(join(work, 'photos'));
    catalog.applyScanChanges(libraryId, {
      added: Array.from({ length: images }, (_, i) => ({
        relPath: `p/${i}.jpg`,
        size: 1000,
        mtimeMs: 1,
        fingerprint: null,
      })),
      touched: [],
      changed: [],
      renamed: [],
      removed: [],
    });
    const model = (id: string, count: number) => ({
      id,
      fileSha256: id.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a'),
      metadataJson: '{}',
      classCount: count,
      featureDim: dim,
    });
    const base = catalog.ensureModel(model('base', 1000));
    const head = catalog.ensureModel(model('head', classes));
    const random = seededRandom(11);
    const ids = catalog.imagesToProcess(libraryId, base).map((image) => image.id);
    for (let start = 0; start < ids.length; start += 1000) {
      const batch: ImageResult[] = ids.slice(start, start + 1000).map((imageId) => {
        const feature = Float32Array.from({ length: dim }, () => random() - 0.5);
        const norm = Math.hypot(...feature);
        for (let j = 0; j < dim; j++) feature[j] = feature[j]! / norm;
        const fingerprint = imageId.toString(16).padStart(64, '0');
        return {
          imageId,
          ok: true,
          fingerprint,
          width: 32,
          height: 32,
          orientation: 1,
          format: 'jpeg',
          takenAt: null,
          camera: null,
          topk: [{ index: 0, prob: 0.5 }],
          feature,
        };
      });
      catalog.writeResults(base, batch);
    }
    const trained = {
      classNames: Array.from({ length: classes }, (_, c) => `c${c}`),
      dim,
      weights: Float32Array.from({ length: classes * dim }, () => random() - 0.5),
      bias: new Float32Array(classes),
    };
    const started = performance.now();
    const applied = await applyHeadToLibrary(
      catalog,
      trained,
      libraryId,
      { modelRowId: head, baseModelRowId: base },
      null,
    );
    const seconds = (performance.now() - started) / 1000;
    if (applied.predicted !== images) throw new Error(`applied to ${applied.predicted} of ${images} images`);
    return { images, dim, classes, seconds };
  } finally {
    catalog.close();
  }
}
