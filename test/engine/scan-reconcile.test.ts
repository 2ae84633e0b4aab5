import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../../main/engine/catalog/index.js';
import type { ImageResult } from '../../main/engine/catalog/index.js';
import { reconcileScan, sha256File, walkLibrary } from '../../main/engine/scan/index.js';
import type { ReconcileSummary } from '../../main/engine/scan/index.js';
import { referencePath, tempDir } from '../helpers/paths.js';

function copyPhoto(name: string, target: string): void {
  writeFileSync(target, readFileSync(referencePath('photos', name)));
}

const NONE: ReconcileSummary = {
  added: 0,
  changed: 0,
  touched: 0,
  unchanged: 0,
  removed: 0,
  returned: 0,
  renamed: 0,
  ignored: 0,
};

interface Fixture {
  root: string;
  catalog: Catalog;
  library: number;
  model: number;
  scan: (options?: Parameters<typeof reconcileScan>[3]) => Promise<ReconcileSummary>;
  byPath: () => Map<string, { id: number; status: string }>;
  cleanup: () => void;
}

async function setup(): Promise<Fixture> {
  const dir = tempDir('reconcile');
  const root = join(dir.path, 'library');
  mkdirSync(join(root, 'Reise 2023', 'Škoda ✓'), { recursive: true });
  mkdirSync(join(root, '.thumbnails'));
  mkdirSync(join(root, 'broken'));
  copyPhoto('tiny_8x8.jpg', join(root, 'a.jpg'));
  copyPhoto('palette_10x10.png', join(root, 'Reise 2023', 'Škoda ✓', 'b.png'));
  copyPhoto('chelsea.webp', join(root, 'Reise 2023', 'c.webp'));
  copyPhoto('png_content_with_jpg_extension.jpg', join(root, 'png_content_with_jpg_extension.jpg'));
  copyPhoto('tiny_1x1.png', join(root, 'scan-without-extension')); // an image by content only
  copyPhoto('tiny_1x1.png', join(root, '.thumbnails', 'thumb.png'));
  for (const name of ['zero_bytes.jpg', 'not_an_image.jpg', 'coffee_truncated_60pct.jpg'])
    copyPhoto(name, join(root, 'broken', name));
  writeFileSync(join(root, 'notes.txt'), 'not a photo\n');
  writeFileSync(join(root, 'README'), 'no extension, no image\n');
  symlinkSync('..', join(root, 'Reise 2023', 'loop'));
  const catalog = Catalog.open(join(dir.path, 'data', 'library.sqlite'));
  const library = catalog.ensureLibrary(root);
  const model = catalog.ensureModel({
    id: 'test-model',
    fileSha256: 'e'.repeat(64),
    metadataJson: '{}',
    classCount: 10,
    featureDim: 2,
  });
  return {
    root,
    catalog,
    library,
    model,
    scan: async (options) => reconcileScan(catalog, library, await walkLibrary(root, () => undefined), options),
    // Present files only: the scanner keeps gone files' rows, marked missing.
    byPath: () =>
      new Map(
        catalog
          .storedFiles(library)
          .filter((f) => f.missingSince === null)
          .map((f) => [f.relPath, { id: f.id, status: f.status }]),
      ),
    cleanup: () => {
      catalog.close();
      dir.cleanup();
    },
  };
}

/** Fake inference results with the files' real content hashes (what the pipeline would store). */
async function processAll(f: Fixture): Promise<void> {
  const results: ImageResult[] = [];
  for (const image of f.catalog.imagesToProcess(f.library, f.model)) {
    const fingerprint = await sha256File(join(f.root, image.relPath));
    results.push(
      image.relPath.startsWith('broken/')
        ? {
            imageId: image.id,
            ok: false,
            fingerprint,
            errorKind: 'DecodeFailed',
            errorMessage: `${image.relPath} cannot be decoded`,
          }
        : {
            imageId: image.id,
            ok: true,
            fingerprint,
            width: 8,
            height: 8,
            orientation: 1,
            format: 'jpeg',
            takenAt: null,
            camera: null,
            topk: [{ index: 1, prob: 0.9 }],
            feature: new Float32Array([0.6, 0.8]),
          },
    );
  }
  f.catalog.writeResults(f.model, results);
}

const CANDIDATES = [
  'Reise 2023/c.webp',
  'Reise 2023/Škoda ✓/b.png',
  'a.jpg',
  'broken/coffee_truncated_60pct.jpg',
  'broken/not_an_image.jpg',
  'broken/zero_bytes.jpg',
  'png_content_with_jpg_extension.jpg',
  'scan-without-extension',
];

test('first scan adds candidate images only; a second scan changes nothing', async () => {
  const f = await setup();
  try {
    assert.deepEqual(await f.scan(), { ...NONE, added: CANDIDATES.length, ignored: 2 });
    assert.deepEqual([...f.byPath().keys()].sort(), [...CANDIDATES].sort());
    assert.ok([...f.byPath().values()].every((image) => image.status === 'pending'));
    assert.deepEqual(await f.scan(), { ...NONE, unchanged: CANDIDATES.length, ignored: 2 });
    await processAll(f);
    assert.deepEqual(f.catalog.stats(f.library, f.model), { total: 8, ok: 5, failed: 3, pending: 0, predicted: 5 });
    assert.deepEqual(await f.scan(), { ...NONE, unchanged: CANDIDATES.length, ignored: 2 });
    assert.equal(f.catalog.imagesToProcess(f.library, f.model).length, 0);
  } finally {
    f.cleanup();
  }
});

test('a touched file keeps its results; a modified one alone goes back to pending, label kept', async () => {
  const f = await setup();
  try {
    await f.scan();
    await processAll(f);
    const a = f.byPath().get('a.jpg')?.id ?? 0;
    f.catalog.setLabel(a, 'tiny', 'manual');
    utimesSync(join(f.root, 'Reise 2023', 'c.webp'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    copyPhoto('tiny_1x1.png', join(f.root, 'a.jpg')); // new content under the same name
    assert.deepEqual(await f.scan(), { ...NONE, changed: 1, touched: 1, unchanged: CANDIDATES.length - 2, ignored: 2 });
    assert.deepEqual(
      f.catalog.imagesToProcess(f.library, f.model).map((i) => i.relPath),
      ['a.jpg'],
    );
    const details = f.catalog.imageDetails(a, f.model);
    assert.equal(details?.prediction, null);
    assert.equal(details?.label?.label, 'tiny');
    assert.equal(details?.fingerprint, await sha256File(join(f.root, 'a.jpg')));
    assert.equal(f.catalog.imageDetails(f.byPath().get('Reise 2023/c.webp')?.id ?? 0, f.model)?.status, 'ok');
    // A failed file is retried once its content changes, not before.
    copyPhoto('tiny_8x8.jpg', join(f.root, 'broken', 'zero_bytes.jpg'));
    assert.equal((await f.scan()).changed, 1);
    assert.deepEqual(
      f.catalog.imagesToProcess(f.library, f.model).map((i) => i.relPath),
      ['a.jpg', 'broken/zero_bytes.jpg'],
    );
  } finally {
    f.cleanup();
  }
});

test('a renamed or moved file keeps its id, prediction and label; a copy is a new image', async () => {
  const f = await setup();
  try {
    await f.scan();
    await processAll(f);
    const before = f.byPath();
    const b = before.get('Reise 2023/Škoda ✓/b.png')?.id ?? 0;
    f.catalog.setLabel(b, 'palette', 'manual');
    mkdirSync(join(f.root, 'sorted'));
    renameSync(join(f.root, 'Reise 2023', 'Škoda ✓', 'b.png'), join(f.root, 'sorted', 'palette.png'));
    renameSync(join(f.root, 'a.jpg'), join(f.root, 'a-renamed.jpg'));
    copyPhoto('chelsea.webp', join(f.root, 'copy-of-c.webp'));
    assert.deepEqual(await f.scan(), { ...NONE, renamed: 2, added: 1, unchanged: CANDIDATES.length - 2, ignored: 2 });
    const after = f.byPath();
    assert.equal(after.get('sorted/palette.png')?.id, b);
    assert.equal(after.get('a-renamed.jpg')?.id, before.get('a.jpg')?.id);
    assert.equal(after.has('a.jpg'), false);
    const details = f.catalog.imageDetails(b, f.model);
    assert.equal(details?.relPath, 'sorted/palette.png');
    assert.deepEqual(details?.prediction?.topk, [{ index: 1, prob: 0.9 }]);
    assert.equal(details?.label?.label, 'palette');
    assert.equal(f.catalog.features(f.library, f.model).imageIds.includes(b), true);
    // Only the copy needs the model; the original keeps its results.
    assert.deepEqual(
      f.catalog.imagesToProcess(f.library, f.model).map((i) => i.relPath),
      ['copy-of-c.webp'],
    );
  } finally {
    f.cleanup();
  }
});

test('a deleted file is marked missing, its results kept but not counted; files under an unreadable folder are kept', async () => {
  const f = await setup();
  try {
    await f.scan();
    await processAll(f);
    rmSync(join(f.root, 'png_content_with_jpg_extension.jpg'));
    rmSync(join(f.root, 'Reise 2023'), { recursive: true });
    // The walk could not read "Reise 2023" (say, a permission problem): its images stay.
    assert.deepEqual(await f.scan({ unreadable: ['Reise 2023'] }), {
      ...NONE,
      removed: 1,
      unchanged: CANDIDATES.length - 3,
      ignored: 2,
    });
    assert.equal(f.byPath().has('png_content_with_jpg_extension.jpg'), false);
    assert.equal(f.byPath().has('Reise 2023/c.webp'), true);
    // Once the walk reads it again and the files are really gone, they go too.
    assert.deepEqual(await f.scan(), { ...NONE, removed: 2, unchanged: CANDIDATES.length - 3, ignored: 2 });
    assert.deepEqual(f.catalog.stats(f.library, f.model), { total: 5, ok: 2, failed: 3, pending: 0, predicted: 2 });
    assert.equal(f.catalog.missingCount(f.library), 3);
    assert.equal(f.catalog.features(f.library, f.model).imageIds.length, 2);
    // Nothing is deleted until the user prunes (issue 12): the results wait for the files.
    assert.equal(f.catalog.connection.prepare('SELECT COUNT(*) FROM features').pluck().get(), 5);
    assert.equal(f.catalog.pruneMissing(f.library), 3);
    assert.equal(f.catalog.connection.prepare('SELECT COUNT(*) FROM features').pluck().get(), 2);
  } finally {
    f.cleanup();
  }
});
