import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FieldmarkError } from '../../main/util/errors.js';
import { Catalog } from '../../main/engine/catalog/index.js';
import { refreshSortDates } from '../../main/engine/catalog/sort-date-zone.js';
import { SqlRunner } from '../../main/engine/catalog/sql-runner.js';
import type { ImageResult } from '../../main/engine/catalog/index.js';
import { tempDir } from '../helpers/paths.js';

const isKind = (kind: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof FieldmarkError && error.kind === kind && (pattern === undefined || pattern.test(error.message));

const sha = (n: number): string => n.toString(16).padStart(64, '0');
const DIM = 4;

function okResult(
  imageId: number,
  top1: number,
  prob: number,
  extra: Partial<Extract<ImageResult, { ok: true }>> = {},
): ImageResult {
  const feature = new Float32Array(DIM);
  feature[top1 % DIM] = 1;
  return {
    imageId,
    ok: true,
    fingerprint: sha(imageId),
    width: 100 + imageId,
    height: 50,
    orientation: 1,
    format: 'jpeg',
    takenAt: null,
    camera: null,
    topk: [
      { index: top1, prob },
      { index: (top1 + 1) % 10, prob: (1 - prob) / 2 },
    ],
    feature,
    ...extra,
  };
}

/** A catalog with one library of `paths` (all pending) and one 10-class model. */
function setup(paths: string[]): {
  catalog: Catalog;
  library: number;
  model: number;
  ids: Map<string, number>;
  file: string;
  cleanup: () => void;
} {
  const dir = tempDir('catalog-queries');
  const file = join(dir.path, 'lib.sqlite');
  const catalog = Catalog.open(file);
  const library = catalog.ensureLibrary('/photos');
  catalog.applyScanChanges(library, {
    added: paths.map((relPath, i) => ({
      relPath,
      size: 1000 + i,
      mtimeMs: Date.UTC(2020, 0, 1 + i),
      fingerprint: null,
    })),
    touched: [],
    changed: [],
    renamed: [],
    removed: [],
  });
  const model = catalog.ensureModel({
    id: 'resnet20_cifar10',
    fileSha256: sha(999),
    metadataJson: '{"id":"resnet20_cifar10"}',
    classCount: 10,
    featureDim: DIM,
  });
  const ids = new Map(catalog.storedFiles(library).map((f) => [f.relPath, f.id]));
  return {
    catalog,
    library,
    model,
    ids,
    file,
    cleanup: () => {
      catalog.close();
      dir.cleanup();
    },
  };
}

const id = (ids: Map<string, number>, path: string): number => {
  const found = ids.get(path);
  assert.ok(found !== undefined, `no image ${path}`);
  return found;
};

test('writeResults is idempotent and imagesToProcess skips done and failed images', () => {
  const t = setup(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    assert.equal(catalog.imagesToProcess(library, model).length, 4);
    ensureLibraryIsStable(catalog);
    const batch = [
      okResult(id(ids, 'a.jpg'), 3, 0.9),
      okResult(id(ids, 'b.jpg'), 5, 0.6),
      {
        imageId: id(ids, 'c.jpg'),
        ok: false as const,
        fingerprint: null,
        errorKind: 'DecodeFailed',
        errorMessage: 'c.jpg: truncated',
      },
    ];
    catalog.writeResults(model, batch);
    catalog.writeResults(model, batch); // a re-run after a crash writes the same batch again
    assert.equal(catalog.connection.prepare('SELECT COUNT(*) FROM predictions').pluck().get(), 2);
    assert.equal(catalog.connection.prepare('SELECT COUNT(*) FROM features').pluck().get(), 2);
    assert.deepEqual(catalog.stats(library, model), { total: 4, ok: 2, failed: 1, pending: 1, predicted: 2 });
    assert.deepEqual(
      catalog.imagesToProcess(library, model).map((i) => i.relPath),
      ['d.jpg'],
    );
    assert.deepEqual(catalog.failedImages(library), [
      { id: id(ids, 'c.jpg'), relPath: 'c.jpg', errorKind: 'DecodeFailed', errorMessage: 'c.jpg: truncated' },
    ]);
    // A second model must run the ok images again, and the pending one; not the failed one.
    const other = catalog.ensureModel({
      id: 'resnet32_cifar10',
      fileSha256: sha(998),
      metadataJson: '{}',
      classCount: 10,
      featureDim: DIM,
    });
    assert.deepEqual(
      catalog.imagesToProcess(library, other).map((i) => i.relPath),
      ['a.jpg', 'b.jpg', 'd.jpg'],
    );
    assert.equal(catalog.stats(library, other).predicted, 0);
  } finally {
    t.cleanup();
  }
});

function ensureLibraryIsStable(catalog: Catalog): void {
  assert.equal(catalog.ensureLibrary('/photos'), catalog.ensureLibrary('/photos'));
  assert.notEqual(catalog.ensureLibrary('/other'), catalog.ensureLibrary('/photos'));
}

test('writeResults checks the whole batch first: one bad result writes nothing', () => {
  const t = setup(['a.jpg', 'b.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    const good = okResult(id(ids, 'a.jpg'), 1, 0.8);
    assert.throws(
      () => catalog.writeResults(model, [good, okResult(id(ids, 'b.jpg'), 10, 0.5)]),
      isKind('InvalidArgument', /results\[1\]\.topk\[0\]\.index: expected an integer from 0 to 9 but received 10/),
    );
    assert.throws(
      () => catalog.writeResults(model, [good, okResult(id(ids, 'b.jpg'), 1, 1.5)]),
      isKind('InvalidArgument', /topk\[0\]\.prob/),
    );
    // A float32 rounding hair above 1 is accepted and clamped.
    catalog.writeResults(model, [okResult(id(ids, 'b.jpg'), 1, 1, { topk: [{ index: 1, prob: 1.000001 }] })]);
    assert.deepEqual(catalog.imageDetails(id(ids, 'b.jpg'), model)?.prediction?.topk[0], { index: 1, prob: 1 });
    catalog.applyScanChanges(library, {
      added: [],
      touched: [],
      renamed: [],
      removed: [],
      changed: [{ id: id(ids, 'b.jpg'), size: 1, mtimeMs: 1, fingerprint: null }],
    });
    assert.throws(
      () => catalog.writeResults(model, [okResult(id(ids, 'b.jpg'), 1, 0.5, { feature: new Float32Array(3) })]),
      isKind('InvalidArgument', /feature: expected a Float32Array of 4 values .* but received 3 values/),
    );
    assert.throws(
      () =>
        catalog.writeResults(model, [
          okResult(id(ids, 'b.jpg'), 1, 0.5, { feature: new Float32Array([NaN, 0, 0, 0]) }),
        ]),
      isKind('InvalidArgument', /NaN/),
    );
    assert.throws(
      () => catalog.writeResults(model, [okResult(id(ids, 'b.jpg'), 1, 0.5, { fingerprint: 'xyz' })]),
      isKind('InvalidArgument', /fingerprint/),
    );
    assert.throws(() => catalog.writeResults(12345, [good]), isKind('NotFound', /no model row 12345/));
    assert.equal(catalog.stats(library, model).predicted, 0);
    // Results for images removed meanwhile are skipped, not fatal for the batch.
    catalog.writeResults(model, [good, okResult(987654, 1, 0.5)]);
    assert.equal(catalog.stats(library, model).predicted, 1);
  } finally {
    t.cleanup();
  }
});

test('a result read from old content (fingerprint differs from the stored one) is dropped', () => {
  const t = setup(['a.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    const imageId = id(ids, 'a.jpg');
    // The scanner saw new content while the pipeline was still working on the old one.
    catalog.applyScanChanges(library, {
      added: [],
      touched: [],
      renamed: [],
      removed: [],
      changed: [{ id: imageId, size: 5, mtimeMs: 5, fingerprint: sha(42) }],
    });
    catalog.writeResults(model, [okResult(imageId, 1, 0.5, { fingerprint: sha(41) })]);
    assert.equal(catalog.imageDetails(imageId, model)?.status, 'pending');
    catalog.writeResults(model, [okResult(imageId, 1, 0.5, { fingerprint: sha(42) })]);
    assert.equal(catalog.imageDetails(imageId, model)?.status, 'ok');
  } finally {
    t.cleanup();
  }
});

test('a model is its file: a changed file under the same id gets its own row, and the old results stay with the old file', () => {
  const t = setup(['a.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    catalog.writeResults(model, [okResult(id(ids, 'a.jpg'), 1, 0.5)]);
    const record = {
      id: 'resnet20_cifar10',
      fileSha256: sha(999),
      metadataJson: '{"v":2}',
      classCount: 10,
      featureDim: DIM,
    };
    assert.equal(catalog.ensureModel(record), model);
    assert.equal(catalog.stats(library, model).predicted, 1);
    const otherFile = 'f'.repeat(64);
    const changed = catalog.ensureModel({ ...record, fileSha256: otherFile });
    assert.notEqual(changed, model, 'never credited to the old file');
    assert.equal(catalog.stats(library, changed).predicted, 0);
    assert.equal(catalog.imagesToProcess(library, changed).length, 1);
    assert.equal(catalog.stats(library, model).predicted, 1, 'the old file keeps its results');
    assert.equal(catalog.features(library, model).imageIds.length, 1);
    // The plain id names the file used last; the other keeps its results under id@hash.
    assert.deepEqual(
      catalog.listModels().map((m) => [m.id, m.rowId]),
      [
        ['resnet20_cifar10', changed],
        [`resnet20_cifar10@${sha(999).slice(0, 12)}`, model],
      ],
    );
    assert.equal(catalog.ensureModel(record), model, 'the old file coming back finds its row');
    assert.deepEqual(
      catalog.listModels().map((m) => [m.id, m.rowId]),
      [
        ['resnet20_cifar10', model],
        [`resnet20_cifar10@${otherFile.slice(0, 12)}`, changed],
      ],
    );
    assert.equal(catalog.listModels()[0]?.metadataJson, '{"v":2}');
    assert.throws(
      () => catalog.ensureModel({ ...record, metadataJson: '{oops' }),
      isKind('InvalidArgument', /metadataJson/),
    );
    assert.throws(() => catalog.ensureModel({ ...record, classCount: 0 }), isKind('InvalidArgument', /classCount/));
  } finally {
    t.cleanup();
  }
});

test('listImages filters, sorts and pages', () => {
  const paths = [
    'birds/owl.jpg',
    'birds/wren.jpg',
    'cats/tabby.jpg',
    'cats/100%_cat.jpg',
    'dogs/pug.jpg',
    'broken.jpg',
    'new.jpg',
  ];
  const t = setup(paths);
  try {
    const { catalog, library, model, ids } = t;
    catalog.writeResults(model, [
      okResult(id(ids, 'birds/owl.jpg'), 2, 0.95, { takenAt: '2021:06:01 12:00:00' }),
      okResult(id(ids, 'birds/wren.jpg'), 2, 0.55, { takenAt: '2019:01:01 08:00:00' }),
      okResult(id(ids, 'cats/tabby.jpg'), 3, 0.75),
      okResult(id(ids, 'cats/100%_cat.jpg'), 3, 0.35),
      okResult(id(ids, 'dogs/pug.jpg'), 5, 1),
      { imageId: id(ids, 'broken.jpg'), ok: false, fingerprint: null, errorKind: 'DecodeFailed', errorMessage: 'bad' },
    ]);
    const names = (q: Partial<Parameters<Catalog['listImages']>[0]>): string[] =>
      catalog.listImages({ libraryId: library, modelRowId: model, ...q }).items.map((i) => i.relPath);
    assert.deepEqual(names({}), [...paths].sort());
    assert.deepEqual(names({ status: 'failed' }), ['broken.jpg']);
    assert.deepEqual(names({ status: 'pending' }), ['new.jpg']);
    assert.deepEqual(names({ classIndex: 2 }), ['birds/owl.jpg', 'birds/wren.jpg']);
    assert.deepEqual(names({ minConfidence: 0.5, maxConfidence: 0.8 }), ['birds/wren.jpg', 'cats/tabby.jpg']);
    assert.deepEqual(names({ sort: 'confidence', order: 'desc', limit: 3 }), [
      'dogs/pug.jpg',
      'birds/owl.jpg',
      'cats/tabby.jpg',
    ]);
    // Images without a prediction come last in both orders.
    assert.deepEqual(names({ sort: 'confidence', order: 'asc' }).slice(-2), ['broken.jpg', 'new.jpg']);
    // LIKE wildcards in the search text are literal: '%' matches only the file with a '%'.
    assert.deepEqual(names({ pathContains: '%' }), ['cats/100%_cat.jpg']);
    assert.deepEqual(names({ pathContains: 'BIRDS/' }), ['birds/owl.jpg', 'birds/wren.jpg']);
    // EXIF dates sort by capture time; the rest by file time (2020-01-xx here).
    assert.deepEqual(names({ sort: 'date', status: 'ok' }), [
      'birds/wren.jpg',
      'cats/tabby.jpg',
      'cats/100%_cat.jpg',
      'dogs/pug.jpg',
      'birds/owl.jpg',
    ]);
    const page = catalog.listImages({ libraryId: library, modelRowId: model, sort: 'name', offset: 2, limit: 2 });
    assert.equal(page.total, paths.length);
    assert.deepEqual(
      page.items.map((i) => i.relPath),
      ['broken.jpg', 'cats/100%_cat.jpg'],
    );
    const owl = catalog.listImages({ libraryId: library, modelRowId: model, pathContains: 'owl' }).items[0];
    assert.deepEqual(owl?.top1, { index: 2, prob: 0.95 });
    assert.equal(owl?.takenAt, '2021-06-01T12:00:00');
    // Without a model there is no top-1, and model-only filters are refused.
    assert.equal(
      catalog.listImages({ libraryId: library, modelRowId: null, pathContains: 'owl' }).items[0]?.top1,
      null,
    );
    assert.throws(
      () => catalog.listImages({ libraryId: library, modelRowId: null, classIndex: 2 }),
      isKind('InvalidArgument', /classIndex: expected a modelRowId/),
    );
    assert.throws(
      () => catalog.listImages({ libraryId: library, modelRowId: model, sort: 'size' as 'name' }),
      isKind('InvalidArgument', /sort: expected one of/),
    );
    assert.throws(
      () => catalog.listImages({ libraryId: library, modelRowId: model, limit: -1 }),
      isKind('InvalidArgument', /limit/),
    );
  } finally {
    t.cleanup();
  }
});

test('summaries: class counts, confidence histogram, export rows and the feature matrix', () => {
  const t = setup(['z.jpg', 'a.jpg', 'm.jpg', 'x.txt.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    catalog.writeResults(model, [
      okResult(id(ids, 'z.jpg'), 7, 1, { camera: 'Nikon D50' }),
      okResult(id(ids, 'a.jpg'), 7, 0.45),
      okResult(id(ids, 'm.jpg'), 1, 0.74),
    ]);
    assert.deepEqual(catalog.classCounts(library, model), [
      { classIndex: 7, count: 2 },
      { classIndex: 1, count: 1 },
    ]);
    assert.deepEqual(catalog.confidenceHistogram(library, model, 4), [0, 1, 1, 1]);
    assert.deepEqual(catalog.confidenceHistogram(library, model, 1), [3]);
    assert.throws(() => catalog.confidenceHistogram(library, model, 0), isKind('InvalidArgument', /bins/));
    catalog.setLabel(id(ids, 'm.jpg'), 'wren', 'accepted');
    const rows = catalog.exportRows(library, model);
    assert.deepEqual(
      rows.map((r) => r.relPath),
      ['a.jpg', 'm.jpg', 'z.jpg'],
    );
    assert.equal(rows[1]?.label, 'wren');
    assert.equal(rows[1]?.labelSource, 'accepted');
    assert.equal(rows[2]?.camera, 'Nikon D50');
    assert.deepEqual(rows[0]?.topk, [
      { index: 7, prob: 0.45 },
      { index: 8, prob: 0.275 },
    ]);
    const matrix = catalog.features(library, model);
    assert.equal(matrix.dim, DIM);
    assert.deepEqual(
      [...matrix.imageIds],
      [id(ids, 'z.jpg'), id(ids, 'a.jpg'), id(ids, 'm.jpg')].sort((a, b) => a - b),
    );
    for (let row = 0; row < matrix.imageIds.length; row += 1) {
      const vector = matrix.vectors.subarray(row * DIM, (row + 1) * DIM);
      assert.equal(
        vector.reduce((sum, v) => sum + v * v, 0),
        1,
      );
    }
  } finally {
    t.cleanup();
  }
});

test('feature matrix of given images, and chunks by keyset paging into reused arrays', () => {
  const t = setup(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    const sorted = ['a.jpg', 'b.jpg', 'c.jpg', 'e.jpg'].map((name) => id(ids, name)).sort((a, b) => a - b);
    catalog.writeResults(
      model,
      sorted.map((imageId) => okResult(imageId, 1, 0.5)),
    );
    const whole = catalog.features(library, model);
    assert.deepEqual([...whole.imageIds], sorted);
    const some = catalog.features(library, model, [sorted[2]!, id(ids, 'd.jpg'), sorted[0]!]);
    assert.deepEqual([...some.imageIds], [sorted[0], sorted[2]], 'd.jpg has no features');
    assert.deepEqual([...some.vectors.subarray(DIM, 2 * DIM)], [...whole.vectors.subarray(2 * DIM, 3 * DIM)]);
    assert.equal(catalog.features(library, model, []).imageIds.length, 0);

    const chunkIds = new Int32Array(3);
    const chunkVectors = new Float32Array(3 * DIM);
    assert.equal(catalog.featureChunk(library, model, 0, chunkIds, chunkVectors), 3);
    assert.deepEqual([...chunkIds], sorted.slice(0, 3));
    assert.deepEqual([...chunkVectors], [...whole.vectors.subarray(0, 3 * DIM)]);
    assert.equal(catalog.featureChunk(library, model, chunkIds[2]!, chunkIds, chunkVectors), 1);
    assert.equal(chunkIds[0], sorted[3]);
    assert.deepEqual([...chunkVectors.subarray(0, DIM)], [...whole.vectors.subarray(3 * DIM, 4 * DIM)]);
    assert.equal(catalog.featureChunk(library, model, sorted[3]!, chunkIds, chunkVectors), 0);
    assert.throws(
      () => catalog.featureChunk(library, model, 0, chunkIds, new Float32Array(DIM)),
      isKind('InvalidArgument', /vectors: expected room for 3/),
    );
    assert.throws(() => catalog.featureChunk(library, 9999, 0, chunkIds, chunkVectors), isKind('NotFound', /9999/));
  } finally {
    t.cleanup();
  }
});

test('derived results store their top-2 margin (the uncertainty sort), also when rewritten', () => {
  const t = setup(['a.jpg', 'b.jpg', 'c.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    const [a, b, c] = ['a.jpg', 'b.jpg', 'c.jpg'].map((name) => id(ids, name)) as [number, number, number];
    catalog.writeResults(model, [okResult(a, 1, 0.5), okResult(b, 1, 0.5), okResult(c, 1, 0.5)]);
    const head = catalog.ensureModel({
      id: 'head',
      fileSha256: sha(997),
      metadataJson: '{}',
      classCount: 3,
      featureDim: DIM,
    });
    const uncertainFirst = () =>
      catalog
        .listImages({
          libraryId: library,
          modelRowId: head,
          status: 'all',
          sort: 'uncertainty',
          order: 'asc',
          offset: 0,
          limit: 10,
        })
        .items.map((item) => item.id);
    const write = (margins: [number, number, number]) =>
      catalog.writeDerivedResults(
        head,
        model,
        [a, b, c].map((imageId, i) => ({
          imageId,
          topk: [
            { index: 0, prob: (1 + margins[i]!) / 2 },
            { index: 1, prob: (1 - margins[i]!) / 2 },
          ],
        })),
      );
    assert.equal(write([0.6, 0.1, 0.3]), 3);
    assert.deepEqual(uncertainFirst(), [b, c, a]);
    write([0.2, 0.9, 0.05]);
    assert.deepEqual(uncertainFirst(), [c, a, b]);
  } finally {
    t.cleanup();
  }
});

test('labels: history is appended, repeats are no-ops, and labels survive new content and a missing file, not a prune', () => {
  const t = setup(['a.jpg', 'b.jpg']);
  try {
    const { catalog, library, model, ids } = t;
    const a = id(ids, 'a.jpg');
    catalog.writeResults(model, [okResult(a, 1, 0.5)]);
    catalog.setLabel(a, 'owl', 'manual');
    catalog.setLabel(a, ' owl ', 'manual'); // same label (trimmed), same source: nothing recorded
    catalog.setLabel(a, 'owl', 'imported'); // same label, new source: recorded
    catalog.setLabel(a, 'wren', 'manual');
    catalog.setLabel(a, null, 'manual');
    catalog.setLabel(a, null, 'manual');
    catalog.setLabel(a, 'wren', 'manual');
    assert.deepEqual(
      catalog.labelHistory(a).map((e) => [e.oldLabel, e.newLabel, e.source]),
      [
        [null, 'owl', 'manual'],
        ['owl', 'owl', 'imported'],
        ['owl', 'wren', 'manual'],
        ['wren', null, 'manual'],
        [null, 'wren', 'manual'],
      ],
    );
    assert.throws(() => catalog.setLabel(a, '   ', 'manual'), isKind('InvalidArgument', /label/));
    assert.throws(() => catalog.setLabel(a, 'x', 'guess' as 'manual'), isKind('InvalidArgument', /source/));
    assert.throws(() => catalog.setLabel(424242, 'x', 'manual'), isKind('NotFound', /no image 424242/));
    // New content: prediction gone, label kept.
    catalog.applyScanChanges(library, {
      added: [],
      touched: [],
      renamed: [],
      removed: [],
      changed: [{ id: a, size: 1, mtimeMs: 1, fingerprint: sha(77) }],
    });
    const details = catalog.imageDetails(a, model);
    assert.equal(details?.prediction, null);
    assert.equal(details?.label?.label, 'wren');
    assert.equal(details?.status, 'pending');
    assert.equal(details?.width, null);
    // A file gone from disk is only marked missing: everything about it is kept (issue 12) ...
    catalog.writeResults(model, [okResult(a, 1, 0.5, { fingerprint: sha(77) })]);
    catalog.applyScanChanges(library, { added: [], touched: [], renamed: [], changed: [], removed: [a] });
    const count = (table: string) =>
      catalog.connection.prepare(`SELECT COUNT(*) FROM ${table} WHERE image_id = ?`).pluck().get(a);
    for (const table of ['predictions', 'features', 'labels', 'label_events'])
      assert.ok((count(table) as number) > 0, table);
    // ... until the user prunes: then deletion cascades to everything about the image.
    assert.equal(catalog.pruneMissing(library), 1);
    for (const table of ['predictions', 'features', 'labels', 'label_events']) assert.equal(count(table), 0, table);
    assert.equal(catalog.imageDetails(a, model), null);
  } finally {
    t.cleanup();
  }
});

test('settings round-trip as JSON and a reader connection sees the writer commits', () => {
  const t = setup(['a.jpg']);
  try {
    const { catalog, library, model, ids, file } = t;
    catalog.setSetting('grid', { size: 160, labels: true });
    assert.deepEqual(catalog.getSetting('grid'), { size: 160, labels: true });
    assert.equal(catalog.getSetting('missing'), undefined);
    const reader = Catalog.open(file, { readonly: true });
    try {
      assert.equal(reader.stats(library, model).predicted, 0);
      catalog.writeResults(model, [okResult(id(ids, 'a.jpg'), 4, 0.5)]);
      assert.equal(reader.stats(library, model).predicted, 1);
      assert.deepEqual(reader.getSetting('grid'), { size: 160, labels: true });
      catalog.setSetting('grid', undefined);
      assert.equal(reader.getSetting('grid'), undefined);
    } finally {
      reader.close();
    }
  } finally {
    t.cleanup();
  }
});

test('the folder filter is the folder and its subfolders only: a case-sensitive prefix range of the path index', () => {
  const paths = [
    'a/x.jpg',
    'a/sub/y.jpg',
    'A/z.jpg',
    'ab/x.jpg',
    'ba/x.jpg',
    'a0/x.jpg',
    'a b/x.jpg',
    '100%_/x.jpg',
    'a.jpg',
  ];
  const t = setup(paths);
  try {
    const { catalog, library, model } = t;
    const folder = (name: string): string[] =>
      catalog.listImages({ libraryId: library, modelRowId: model, folder: name }).items.map((i) => i.relPath);
    assert.deepEqual(folder('a'), ['a/sub/y.jpg', 'a/x.jpg']);
    assert.deepEqual(folder('A'), ['A/z.jpg']);
    assert.deepEqual(folder('a/sub'), ['a/sub/y.jpg']);
    assert.deepEqual(folder('a b'), ['a b/x.jpg']);
    assert.deepEqual(folder('100%_'), ['100%_/x.jpg'], 'LIKE wildcards in a folder name are plain characters');
    assert.deepEqual(folder('100'), []);
    const plan = catalog.connection
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM images WHERE library_id = ? AND missing_since IS NULL AND rel_path >= ? AND rel_path < ?`,
      )
      .all(library, 'a/', 'a0') as { detail: string }[];
    assert.ok(
      plan.some((row) =>
        /USING (COVERING )?INDEX \w+ \(library_id=\? AND rel_path>\? AND rel_path<\?\)/.test(row.detail),
      ),
      `the range is read from the path index: ${plan.map((row) => row.detail).join('; ')}`,
    );
  } finally {
    t.catalog.close();
    t.cleanup();
  }
});

test('after a change of time zone, opening the catalog rewrites the mtime date keys in the new local time; capture times stay', () => {
  const zoneBefore = process.env.TZ;
  process.env.TZ = 'UTC';
  const t = setup(['a.jpg', 'b.jpg', 'c.jpg']);
  try {
    const { library, model, ids, file } = t;
    t.catalog.writeResults(model, [okResult(ids.get('b.jpg')!, 1, 0.9, { takenAt: '2019-06-01T08:00:00' })]);
    const keys = (catalog: Catalog) =>
      Object.fromEntries(
        catalog.connection
          .prepare('SELECT rel_path, sort_date FROM images ORDER BY rel_path')
          .raw(true)
          .all()
          .map((row) => row as [string, string]),
      );
    assert.deepEqual(keys(t.catalog), {
      'a.jpg': '2020-01-01T00:00:00',
      'b.jpg': '2019-06-01T08:00:00',
      'c.jpg': '2020-01-03T00:00:00',
    });
    t.catalog.close();
    // Tokyo is UTC+9 all year: the mtime keys move 9 hours, the EXIF time does not.
    process.env.TZ = 'Asia/Tokyo';
    const reopened = Catalog.open(file);
    try {
      assert.deepEqual(keys(reopened), {
        'a.jpg': '2020-01-01T09:00:00',
        'b.jpg': '2019-06-01T08:00:00',
        'c.jpg': '2020-01-03T09:00:00',
      });
      const byDate = reopened.listImages({ libraryId: library, modelRowId: model, sort: 'date', order: 'asc' });
      assert.deepEqual(
        byDate.items.map((item) => item.relPath),
        ['b.jpg', 'a.jpg', 'c.jpg'],
      );
      assert.equal(refreshSortDates(new SqlRunner(reopened.connection)), 0, 'the same zone again rewrites nothing');
    } finally {
      reopened.close();
    }
  } finally {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
    t.cleanup();
  }
});
