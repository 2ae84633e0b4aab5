/** A real catalog file with one library of images and one model's predictions, written directly (no inference). */
import { join } from 'node:path';
import { Catalog } from '../../main/engine/catalog/index.js';
import type { ImageResult } from '../../main/engine/catalog/index.js';
import { tempDir } from '../helpers/paths.js';

export const sha = (n: number): string => n.toString(16).padStart(64, '0');

export interface LabelFixture {
  dir: string;
  file: string;
  catalog: Catalog;
  libraryId: number;
  modelRowId: number;
  ids: Map<string, number>;
  id(path: string): number;
  reopen(): void;
  cleanup(): void;
}

/**
 * `paths` become ok images; image i predicts class `top1(i)` with probabilities `probs(i)` (top-1, top-2).
 * @param classNames the model's classes
 */
export function labelFixture(
  paths: readonly string[],
  classNames: readonly string[],
  predict: (i: number) => { top1: number; p1: number; p2: number } = (i) => ({
    top1: i % classNames.length,
    p1: 0.6,
    p2: 0.3,
  }),
  root = '/photos',
): LabelFixture {
  const dir = tempDir('labels');
  const file = join(dir.path, 'lib.sqlite');
  let catalog = Catalog.open(file);
  const libraryId = catalog.ensureLibrary(root);
  catalog.applyScanChanges(libraryId, {
    added: paths.map((relPath, i) => ({ relPath, size: 100 + i, mtimeMs: 1_700_000_000_000 + i, fingerprint: null })),
    touched: [],
    changed: [],
    renamed: [],
    removed: [],
  });
  const metadata = JSON.stringify({ id: 'test-model', labelSet: 'custom', classNames });
  const modelRowId = catalog.ensureModel({
    id: 'test-model',
    fileSha256: sha(999),
    metadataJson: metadata,
    classCount: classNames.length,
    featureDim: 2,
  });
  const ids = new Map(catalog.storedFiles(libraryId).map((f) => [f.relPath, f.id]));
  const results: ImageResult[] = paths.map((relPath, i) => {
    const { top1, p1, p2 } = predict(i);
    return {
      imageId: ids.get(relPath)!,
      ok: true,
      fingerprint: sha(i + 1),
      width: 10,
      height: 10,
      orientation: 1,
      format: 'jpeg',
      takenAt: null,
      camera: null,
      topk: [
        { index: top1, prob: p1 },
        { index: (top1 + 1) % classNames.length, prob: p2 },
      ],
      feature: new Float32Array([1, 0]),
    };
  });
  catalog.writeResults(modelRowId, results);
  const fixture: LabelFixture = {
    dir: dir.path,
    file,
    catalog,
    libraryId,
    modelRowId,
    ids,
    id(path) {
      const found = ids.get(path);
      if (found === undefined) throw new Error(`no image ${path}`);
      return found;
    },
    reopen() {
      catalog.close();
      catalog = Catalog.open(file);
      fixture.catalog = catalog;
    },
    cleanup() {
      catalog.close();
      dir.cleanup();
    },
  };
  return fixture;
}
