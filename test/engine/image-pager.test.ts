import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { ImagePager } from '../../main/app/image-pager.js';
import { ListReader } from '../../main/app/list-reader.js';
import { Catalog, type ImageResult, type ListImagesQuery, type TopKEntry } from '../../main/engine/catalog/index.js';
import { makeTempDir } from '../fixtures/zoo-helpers.js';

const IMAGES = 60;
const CLASSES = 4;
const DIM = 4;
const PAGE = 7;

/**
 * A catalog with ties everywhere a sort looks: five distinct confidences and margins, three
 * capture dates (and images without one), failed and pending images without predictions, labels;
 * and predictions the lists must leave out: of images marked missing, and of another library.
 */
function fillCatalog(catalog: Catalog): { libraryId: number; modelRowId: number } {
  const libraryId = catalog.ensureLibrary('/photos');
  const otherLibraryId = catalog.ensureLibrary('/other');
  const modelRowId = predictEvery(catalog, libraryId, IMAGES);
  predictEvery(catalog, otherLibraryId, 9);
  const byName = catalog.listImageIds({ libraryId, modelRowId, sort: 'name', order: 'asc' });
  for (const [i, id] of byName.entries()) if (i % 6 === 1) catalog.setLabel(id, id % 2 === 0 ? 'cat' : 'dog', 'manual');
  const predicted = catalog.listImageIds({ libraryId, modelRowId, sort: 'confidence', order: 'desc' });
  catalog.applyScanChanges(libraryId, {
    added: [],
    touched: [],
    changed: [],
    renamed: [],
    removed: [predicted[0]!, predicted[20]!, predicted[21]!],
  });
  return { libraryId, modelRowId };
}

/** Adds `count` pending images to the library, the i-th at `relPath(i)`. */
function addImages(catalog: Catalog, libraryId: number, count: number, relPath: (i: number) => string): void {
  catalog.applyScanChanges(libraryId, {
    added: Array.from({ length: count }, (_, i) => ({
      relPath: relPath(i),
      size: 100 + i,
      mtimeMs: 1_700_000_000_000 + (i % 4) * 1000,
      fingerprint: null,
    })),
    touched: [],
    changed: [],
    renamed: [],
    removed: [],
  });
}

/** A result of the model for an image: its top-1 and top-2 classes and probabilities. */
function predicted(imageId: number, topk: TopKEntry[], takenAt: string | null): ImageResult {
  return {
    imageId,
    ok: true,
    fingerprint: imageId.toString(16).padStart(64, '0'),
    width: 10,
    height: 10,
    orientation: 1,
    format: 'jpeg',
    takenAt,
    camera: null,
    topk,
    feature: Float32Array.from({ length: DIM }, (_, d) => (d === 0 ? 1 : 0)),
  };
}

const failed = (imageId: number): ImageResult => ({
  imageId,
  ok: false,
  fingerprint: null,
  errorKind: 'DecodeFailed',
  errorMessage: 'broken',
});

/** `count` images in the library, nine in ten with a result of the model (ties, failures, capture dates). */
function predictEvery(catalog: Catalog, libraryId: number, count: number): number {
  addImages(
    catalog,
    libraryId,
    count,
    (i) => `${['b', 'a', 'c'][i % 3]}/img${String((i * 37) % count).padStart(3, '0')}.jpg`,
  );
  const modelRowId = catalog.ensureModel({
    id: 'pager-test',
    fileSha256: 'f'.repeat(64),
    metadataJson: '{}',
    classCount: CLASSES,
    featureDim: DIM,
  });
  const images = catalog.imagesToProcess(libraryId, modelRowId);
  const results: ImageResult[] = images
    .filter((_, i) => i % 10 !== 9) // every tenth stays pending: no prediction (NULLS LAST)
    .map((image, i): ImageResult => {
      if (i % 11 === 5) return failed(image.id);
      const top = 0.4 + (i % 5) * 0.1;
      const second = (1 - top) * (i % 2 === 0 ? 0.5 : 0.9);
      return predicted(
        image.id,
        [
          { index: i % CLASSES, prob: top },
          { index: (i + 1) % CLASSES, prob: second },
        ],
        i % 4 === 0 ? null : `2024-0${1 + (i % 3)}-01T10:00:00`,
      );
    });
  catalog.writeResults(modelRowId, results);
  return modelRowId;
}

describe('pages (index walks, and slices of a select-all list) equal the ORDER BY list', () => {
  let cleanup: () => Promise<void>;
  let writer: Catalog;
  let pager: ImagePager;
  let base: { libraryId: number; modelRowId: number };

  before(async () => {
    const temp = await makeTempDir('image-pager');
    cleanup = temp.cleanup;
    writer = Catalog.open(join(temp.dir, 'catalog.sqlite'));
    base = fillCatalog(writer);
    // 0: no list is short enough to be sorted whole; every page is walked along an index.
    pager = new ImagePager(writer, (message) => assert.fail(message), 0);
  });

  after(async () => {
    pager?.close();
    writer?.close();
    await cleanup?.();
  });

  const sorts = ['name', 'date', 'confidence', 'uncertainty'] as const;
  const filters: [string, Partial<ListImagesQuery>][] = [
    ['no filter', {}],
    ['status ok', { status: 'ok' }],
    ['status pending', { status: 'pending' }],
    ['class 1', { classIndex: 1 }],
    ['confidence 0.5..0.7', { minConfidence: 0.5, maxConfidence: 0.7 }],
    ['labelled', { label: { kind: 'labelled' } }],
    ['unlabelled', { label: { kind: 'unlabelled' } }],
    ['label is cat', { label: { kind: 'is', labels: ['cat'] } }],
    ['folder a', { folder: 'a' }],
    ['status ok, unlabelled, class 1', { status: 'ok', label: { kind: 'unlabelled' }, classIndex: 1 }],
    ['unlabelled, confidence >= 0.5', { label: { kind: 'unlabelled' }, minConfidence: 0.5 }],
  ];

  for (const sort of sorts) {
    for (const order of ['asc', 'desc'] as const) {
      it(`sort ${sort} ${order}, every filter`, () => {
        for (const [name, filter] of filters) {
          const query: ListImagesQuery = { ...base, ...filter, sort, order };
          // The reference: one ORDER BY over the whole list.
          const all = writer.listImageIds(query);
          const expected = (offset: number) => ({
            total: all.length,
            items: writer.listItemsByIds(all.slice(offset, offset + PAGE), base.modelRowId),
          });
          const everyPage = (how: string) => {
            for (let offset = 0; offset < all.length + PAGE; offset += PAGE)
              assert.deepEqual(pager.page(query, offset, PAGE), expected(offset), `${name}: ${how} page at ${offset}`);
          };
          everyPage('walked');
          // A list this short is sorted whole by default.
          for (let offset = 0; offset < all.length + PAGE; offset += PAGE)
            assert.deepEqual(
              writer.listImages({ ...query, offset, limit: PAGE }),
              expected(offset),
              `${name}: sorted page at ${offset}`,
            );
          assert.deepEqual(
            writer.listImages(query, 0).items.map((item) => item.id),
            all,
            `${name}: without a limit`,
          );
          assert.deepEqual(pager.ids(query), all, `${name}: ids`);
          everyPage('sliced');
        }
      });
    }
  }

  it('pages from the predictions index alone where every image is listed (one library, none missing), for every filter', async () => {
    const temp = await makeTempDir('image-pager-listed');
    const catalog = Catalog.open(join(temp.dir, 'catalog.sqlite'));
    try {
      const libraryId = catalog.ensureLibrary('/photos');
      const modelRowId = predictEvery(catalog, libraryId, IMAGES);
      for (const sort of ['confidence', 'uncertainty'] as const)
        for (const order of ['asc', 'desc'] as const)
          for (const [name, filter] of filters) {
            const query: ListImagesQuery = { libraryId, modelRowId, ...filter, sort, order };
            const all = catalog.listImageIds(query);
            for (let offset = 0; offset < all.length + PAGE; offset += PAGE)
              assert.deepEqual(
                catalog.listImages({ ...query, offset, limit: PAGE }, 0),
                { total: all.length, items: catalog.listItemsByIds(all.slice(offset, offset + PAGE), modelRowId) },
                `${sort} ${order}, ${name}: page at ${offset}`,
              );
          }
    } finally {
      catalog.close();
      await temp.cleanup();
    }
  });

  it('pages "unlabelled" and "status ok" lists with long runs of equal keys from the index less what they leave out', async () => {
    const temp = await makeTempDir('image-pager-complement');
    const catalog = Catalog.open(join(temp.dir, 'catalog.sqlite'));
    const count = 400;
    try {
      const libraryId = catalog.ensureLibrary('/photos');
      addImages(catalog, libraryId, count, (i) => `d${i % 7}/img${String((i * 151) % count).padStart(3, '0')}.jpg`);
      const modelRowId = catalog.ensureModel({
        id: 'ties',
        fileSha256: 'e'.repeat(64),
        metadataJson: '{}',
        classCount: 2,
        featureDim: DIM,
      });
      // Three keys only (runs of ~130 equal keys, longer than a read batch), some failures, some labels.
      const images = catalog.imagesToProcess(libraryId, modelRowId);
      catalog.writeResults(
        modelRowId,
        images.map((image, i): ImageResult => {
          if (i % 23 === 4) return failed(image.id);
          const top = [0.6, 0.75, 0.9][i % 3]!;
          return predicted(
            image.id,
            [
              { index: i % 2, prob: top },
              { index: (i + 1) % 2, prob: 1 - top },
            ],
            null,
          );
        }),
      );
      for (const image of images) if (image.id % 9 === 2) catalog.setLabel(image.id, 'owl', 'manual');
      for (const sort of ['confidence', 'uncertainty'] as const)
        for (const order of ['asc', 'desc'] as const)
          for (const filter of [
            { label: { kind: 'unlabelled' } },
            { status: 'ok' },
            { status: 'ok', label: { kind: 'unlabelled' }, maxConfidence: 0.8 },
          ] as Partial<ListImagesQuery>[]) {
            const query: ListImagesQuery = { libraryId, modelRowId, ...filter, sort, order };
            const all = catalog.listImageIds(query);
            assert.ok(all.length > 100, `${all.length} images in the list`);
            for (let offset = 0; offset < all.length + PAGE; offset += PAGE)
              assert.deepEqual(
                catalog.listImages({ ...query, offset, limit: PAGE }, 0),
                { total: all.length, items: catalog.listItemsByIds(all.slice(offset, offset + PAGE), modelRowId) },
                `${sort} ${order}, ${JSON.stringify(filter)}: page at ${offset}`,
              );
          }
    } finally {
      catalog.close();
      await temp.cleanup();
    }
  });

  it('pages a fixed id list in its order (the suspects filter)', () => {
    const all = writer.listImageIds({ ...base, sort: 'name', order: 'asc' });
    const chosen = [all[5]!, all[0]!, all[17]!, all[3]!, all[9]!];
    const first = pager.pageOfIds(chosen, base.modelRowId, 0, 3);
    assert.equal(first.total, chosen.length);
    assert.deepEqual(
      first.items.map((item) => item.id),
      chosen.slice(0, 3),
    );
    assert.deepEqual(first.items, writer.listItemsByIds(chosen.slice(0, 3), base.modelRowId));
    assert.deepEqual(
      pager.pageOfIds(chosen, base.modelRowId, 3, 3).items.map((item) => item.id),
      chosen.slice(3),
    );
    assert.deepEqual(pager.pageOfIds(chosen, base.modelRowId, 6, 3).items, []);
  });

  it('sees a commit of the writer at once (the cached list is rebuilt)', () => {
    const query: ListImagesQuery = { ...base, label: { kind: 'labelled' }, sort: 'name', order: 'asc' };
    const before = pager.page(query, 0, IMAGES).total;
    const unlabelled = pager.page({ ...base, label: { kind: 'unlabelled' }, sort: 'name', order: 'asc' }, 0, 1)
      .items[0]!;
    writer.setLabel(unlabelled.id, 'owl', 'manual');
    const afterPage = pager.page(query, 0, IMAGES);
    assert.equal(afterPage.total, before + 1);
    assert.ok(afterPage.items.some((item) => item.id === unlabelled.id && item.label === 'owl'));
  });

  it('the reader thread answers while a write transaction is open, from the last commit', async () => {
    const problems: string[] = [];
    const reader = new ListReader(writer.file, pager, (message) => problems.push(message));
    try {
      const query: ListImagesQuery = { ...base, label: { kind: 'labelled' }, sort: 'name', order: 'asc' };
      const before = await reader.page(query, 0, IMAGES);
      assert.equal(before.total, writer.listImages({ ...query, offset: 0, limit: 1 }).total);
      const unlabelled = writer.listImages({
        ...base,
        label: { kind: 'unlabelled' },
        sort: 'name',
        order: 'asc',
        offset: 0,
        limit: 1,
      }).items[0]!;
      writer.connection.exec('BEGIN IMMEDIATE');
      try {
        writer.connection
          .prepare(
            "INSERT INTO labels (image_id, label, label_source, rank, updated_at) VALUES (?, 'heron', 'manual', 'species', '2026-01-01T00:00:00Z')",
          )
          .run(unlabelled.id);
        const during = await reader.page(query, 0, IMAGES);
        assert.equal(during.total, before.total, 'an uncommitted label is not seen');
      } finally {
        writer.connection.exec('ROLLBACK');
      }
      assert.deepEqual(await reader.page({ ...query, modelRowId: base.modelRowId }, 0, 3), pager.page(query, 0, 3));
      await assert.rejects(reader.page({ ...query, modelRowId: null, sort: 'confidence' }, 0, 3), /modelRowId/);
      assert.deepEqual(problems, []);
    } finally {
      await reader.close();
    }
  });

  it('refuses what the catalog refuses (a confidence sort without a model)', () => {
    assert.throws(
      () => pager.page({ ...base, modelRowId: null, sort: 'confidence', order: 'asc' }, 0, PAGE),
      /modelRowId/,
    );
  });
});
