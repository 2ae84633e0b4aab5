/** Label filters and the uncertainty review queue of the image list, on a real catalog. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError } from '../../main/util/errors.js';
import { LabelStore } from '../../main/engine/labels/label-store.js';
import {
  labelsUnder,
  labelsWithinTaxon,
  taxonomyOf,
  displayClassNames,
  builtInClassNames,
} from '../../main/engine/labels/label-sets.js';
import { labelFixture } from './labels-fixture.js';

const CLASSES = ['cat', 'dog', 'bird'];
// Image i: top-1 class i % 3, margin (p1 - p2) decreasing with i, so the last image is the least sure.
const PATHS = Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, '0')}.jpg`);
const predict = (i: number) => ({ top1: i % 3, p1: 0.9 - i * 0.03, p2: 0.05 + i * 0.02 });

test('filters: labelled, unlabelled, label is one of, label differs from the prediction; items carry their label', () => {
  const f = labelFixture(PATHS, CLASSES, predict);
  try {
    const store = new LabelStore(f.catalog, f.libraryId);
    const base = { libraryId: f.libraryId, modelRowId: f.modelRowId };
    // p00 predicts cat, p01 dog, p02 bird, p03 cat.
    store.apply([f.id('p00.jpg'), f.id('p01.jpg')], { label: 'cat', rank: 'species' }, 'manual');
    store.apply([f.id('p02.jpg')], { label: 'bird', rank: 'species' }, 'accepted');
    store.apply([f.id('p03.jpg')], { label: 'Corvidae', rank: 'family' }, 'manual');
    const paths = (q: object) => f.catalog.listImages({ ...base, ...q }).items.map((i) => i.relPath);
    assert.deepEqual(paths({ label: { kind: 'labelled' } }), ['p00.jpg', 'p01.jpg', 'p02.jpg', 'p03.jpg']);
    assert.equal(f.catalog.listImages({ ...base, label: { kind: 'unlabelled' } }).total, 8);
    assert.deepEqual(paths({ label: { kind: 'is', labels: ['bird', 'Corvidae'] } }), ['p02.jpg', 'p03.jpg']);
    assert.deepEqual(paths({ label: { kind: 'disagree' }, classNames: CLASSES }), ['p01.jpg', 'p03.jpg']);
    // Another model's names change the answer (the temp table is reloaded).
    assert.deepEqual(paths({ label: { kind: 'disagree' }, classNames: ['cat', 'cat', 'cat'] }), ['p02.jpg', 'p03.jpg']);
    const item = f.catalog.listImages({ ...base, label: { kind: 'is', labels: ['Corvidae'] } }).items[0];
    assert.deepEqual([item?.label, item?.labelSource, item?.labelRank], ['Corvidae', 'manual', 'family']);
    const unlabelled = f.catalog.listImages({ ...base, pathContains: 'p11' }).items[0];
    assert.deepEqual([unlabelled?.label, unlabelled?.labelSource, unlabelled?.labelRank], [null, null, null]);
    assert.throws(
      () => f.catalog.listImages({ ...base, label: { kind: 'disagree' } }),
      (e: unknown) => e instanceof FieldmarkError && /classNames/.test(e.message),
    );
    assert.throws(
      () => f.catalog.listImages({ ...base, modelRowId: null, label: { kind: 'disagree' }, classNames: CLASSES }),
      /modelRowId/,
    );
    assert.throws(() => f.catalog.listImages({ ...base, label: { kind: 'nope' } as never }), /unreachable/);
  } finally {
    f.cleanup();
  }
});

test('sort by uncertainty puts the smallest top-1/top-2 margin first, and listImageIds returns every match in order', () => {
  const f = labelFixture(PATHS, CLASSES, predict);
  try {
    const base = { libraryId: f.libraryId, modelRowId: f.modelRowId };
    const page = f.catalog.listImages({ ...base, sort: 'uncertainty', limit: 3 });
    assert.equal(page.total, 12);
    assert.deepEqual(
      page.items.map((i) => i.relPath),
      ['p11.jpg', 'p10.jpg', 'p09.jpg'],
    );
    const ids = f.catalog.listImageIds({ ...base, sort: 'uncertainty', limit: 3, offset: 5 });
    assert.deepEqual(
      ids,
      [...PATHS].reverse().map((p) => f.id(p)),
      'select-all ignores paging',
    );
    assert.deepEqual(f.catalog.listImageIds({ ...base, sort: 'uncertainty', order: 'desc' })[0], f.id('p00.jpg'));
    // The margin index serves the sort.
    const plan = f.catalog.connection
      .prepare('EXPLAIN QUERY PLAN SELECT image_id FROM predictions WHERE model_id = 1 ORDER BY margin')
      .all() as { detail: string }[];
    assert.ok(
      plan.some((row) => /predictions_by_margin/.test(row.detail)),
      JSON.stringify(plan),
    );
    assert.throws(
      () => f.catalog.listImages({ ...base, modelRowId: null, sort: 'uncertainty' }),
      /sort "uncertainty": expected a modelRowId/,
    );
    // Images without a prediction come last (by path), across page boundaries, in both orders.
    f.catalog.applyScanChanges(f.libraryId, {
      added: ['u2.jpg', 'u1.jpg'].map((relPath) => ({ relPath, size: 1, mtimeMs: 1, fingerprint: null })),
      touched: [],
      changed: [],
      renamed: [],
      removed: [],
    });
    const tail = f.catalog.listImages({ ...base, sort: 'uncertainty', offset: 11, limit: 2 });
    assert.equal(tail.total, 14);
    assert.deepEqual(
      tail.items.map((i) => i.relPath),
      ['p00.jpg', 'u1.jpg'],
    );
    assert.deepEqual(
      f.catalog.listImages({ ...base, sort: 'uncertainty', offset: 13, limit: 5 }).items.map((i) => i.relPath),
      ['u2.jpg'],
    );
    assert.deepEqual(
      f.catalog.listImages({ ...base, sort: 'uncertainty', order: 'desc', offset: 11 }).items.map((i) => i.relPath),
      ['p11.jpg', 'u1.jpg', 'u2.jpg'],
    );
    // listImageIds sorts (as deep pages do); the first pages walk the margin index: same order.
    for (const order of ['asc', 'desc'] as const) {
      const walked = f.catalog.listImages({ ...base, sort: 'uncertainty', order }).items.map((i) => i.id);
      assert.equal(walked.length, 14);
      assert.deepEqual(f.catalog.listImageIds({ ...base, sort: 'uncertainty', order }), walked, order);
    }
    assert.deepEqual(
      f.catalog
        .listImages({ ...base, sort: 'uncertainty', label: { kind: 'unlabelled' }, offset: 12 })
        .items.map((i) => i.relPath),
      ['u1.jpg', 'u2.jpg'],
    );
  } finally {
    f.cleanup();
  }
});

test('the CUB taxonomy ships as data: a family or genus expands into its species; known label sets have real names', () => {
  const taxonomy = taxonomyOf('cub200');
  assert.equal(taxonomy?.length, 200);
  const cardinal = taxonomy?.find((t) => t.classId === '017');
  assert.deepEqual(
    cardinal && [cardinal.name, cardinal.scientificName, cardinal.genus, cardinal.family, cardinal.order],
    ['Cardinal', 'Cardinalis cardinalis', 'Cardinalis', 'Cardinalidae', 'Passeriformes'],
  );
  const icteridae = labelsUnder('Icteridae', 'family');
  assert.ok(icteridae.includes('Baltimore_Oriole') && icteridae.includes('Red_winged_Blackbird'), icteridae.join());
  assert.ok(icteridae.every((name) => taxonomy?.find((t) => t.name === name)?.family === 'Icteridae'));
  assert.deepEqual(labelsUnder('phoebastria', 'genus'), ['Black_footed_Albatross', 'Laysan_Albatross']); // the Sooty Albatross is a Phoebetria
  assert.equal(new Set(taxonomy?.map((t) => t.order)).size, 13);
  assert.equal(taxonomyOf('imagenet1k'), null);
  assert.deepEqual(labelsUnder('Nowhere', 'order'), []);
  const family = labelsWithinTaxon('Icteridae', 'family');
  assert.ok(
    family.includes('Icteridae') && family.includes('Icterus') && family.includes('Baltimore_Oriole'),
    family.join(),
  );
  assert.ok(!family.includes('Cardinal'));
  for (const [set, size] of [
    ['imagenet1k', 1000],
    ['imagenet1k_common', 1000],
    ['cifar10', 10],
    ['cifar100', 100],
    ['cub200', 200],
  ] as const) {
    assert.equal(builtInClassNames(set)?.length, size, set);
  }
  const generic = Array.from({ length: 1000 }, (_, i) => `class ${i}`);
  assert.equal(displayClassNames('imagenet1k', generic)[761], 'remote control, remote');
  assert.deepEqual(displayClassNames('custom', ['a', 'b']), ['a', 'b']);
});

test('a family filter finds species, genus and family labels under it (the caller expands the taxon)', () => {
  const f = labelFixture(['o1.jpg', 'o2.jpg', 'o3.jpg', 'c1.jpg'], CLASSES);
  try {
    const store = new LabelStore(f.catalog, f.libraryId);
    store.apply([f.id('o1.jpg')], { label: 'Baltimore_Oriole', rank: 'species' }, 'manual');
    store.apply([f.id('o2.jpg')], { label: 'Icterus', rank: 'genus' }, 'manual');
    store.apply([f.id('o3.jpg')], { label: 'Icteridae', rank: 'family' }, 'manual');
    store.apply([f.id('c1.jpg')], { label: 'Cardinal', rank: 'species' }, 'manual');
    const found = f.catalog.listImages({
      libraryId: f.libraryId,
      modelRowId: null,
      label: { kind: 'is', labels: labelsWithinTaxon('Icteridae', 'family') },
    });
    assert.deepEqual(
      found.items.map((i) => i.relPath),
      ['o1.jpg', 'o2.jpg', 'o3.jpg'],
    );
    assert.deepEqual(
      store.counts().map((c) => c.count),
      [1, 1, 1, 1],
    );
  } finally {
    f.cleanup();
  }
});
