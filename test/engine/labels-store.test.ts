/** The label store on a real catalog file: one undo step per action, undo/redo across a restart, provenance, vocabulary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError } from '../../main/util/errors.js';
import { LabelStore } from '../../main/engine/labels/label-store.js';
import { labelFixture } from './labels-fixture.js';

const isKind = (kind: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof FieldmarkError && error.kind === kind && (pattern === undefined || pattern.test(error.message));

const PATHS = Array.from({ length: 40 }, (_, i) => `img/${String(i).padStart(3, '0')}.jpg`);
const CLASSES = ['cat', 'dog', 'bird', 'frog'];

test('labelling many images is one undo step; undo, redo and the history survive closing and reopening the catalog', () => {
  const f = labelFixture(PATHS, CLASSES);
  try {
    let store = new LabelStore(f.catalog, f.libraryId);
    const all = [...f.ids.values()];
    const first = store.apply(all, { label: 'cat', rank: 'species' }, 'manual');
    assert.equal(first.changedImageIds.length, 40);
    assert.ok(first.step !== null);
    const some = all.slice(0, 10);
    const second = store.apply(some, { label: 'dog', rank: 'species' }, 'manual', 'Label ten dogs');
    assert.equal(second.changedImageIds.length, 10);
    // Applying the same label again changes nothing and records no step.
    assert.deepEqual(store.apply(some, { label: 'dog', rank: 'species' }, 'manual'), {
      step: null,
      changedImageIds: [],
      protectedImageIds: [],
    });
    assert.deepEqual(store.undoState(), { undo: 'Label ten dogs', redo: null });
    assert.deepEqual(store.counts(), [
      { label: 'cat', rank: 'species', count: 30 },
      { label: 'dog', rank: 'species', count: 10 },
    ]);

    f.reopen();
    store = new LabelStore(f.catalog, f.libraryId);
    const undone = store.undo();
    assert.equal(undone?.changedImageIds.length, 10);
    assert.equal(store.labelledCount(), 40);
    assert.deepEqual(store.counts(), [{ label: 'cat', rank: 'species', count: 40 }]);
    assert.deepEqual(store.undoState(), {
      undo: first.step === null ? null : 'Label 40 images "cat"',
      redo: 'Label ten dogs',
    });

    f.reopen();
    store = new LabelStore(f.catalog, f.libraryId);
    assert.equal(store.redo()?.changedImageIds.length, 10);
    assert.equal(store.labelOf(some[0]!)?.label, 'dog');
    assert.equal(store.redo(), null, 'nothing left to redo');
    store.undo();
    store.undo();
    assert.equal(store.labelledCount(), 0);
    assert.equal(store.undo(), null, 'nothing left to undo');
    // History keeps every change, flagged as undone.
    const history = store.history(some[0]!);
    assert.deepEqual(
      history.map((h) => [h.oldLabel, h.newLabel, h.undone]),
      [
        [null, 'cat', true],
        ['cat', 'dog', true],
      ],
    );
    // A new action drops the redo stack.
    store.redo();
    store.apply([all[39]!], { label: 'bird', rank: 'species' }, 'manual');
    assert.equal(store.undoState().redo, null);
    assert.equal(store.redo(), null);
    assert.equal(store.labelOf(all[0]!)?.label, 'cat');
  } finally {
    f.cleanup();
  }
});

test('ids outside the library are refused by name and nothing is written', () => {
  const f = labelFixture(PATHS.slice(0, 3), CLASSES);
  try {
    const store = new LabelStore(f.catalog, f.libraryId);
    const other = f.catalog.ensureLibrary('/elsewhere');
    f.catalog.applyScanChanges(other, {
      added: [{ relPath: 'x.jpg', size: 1, mtimeMs: 1, fingerprint: null }],
      touched: [],
      changed: [],
      renamed: [],
      removed: [],
    });
    const foreign = f.catalog.storedFiles(other)[0]!.id;
    assert.throws(
      () => store.apply([f.id(PATHS[0]!), foreign, 987654], { label: 'cat', rank: 'species' }, 'manual'),
      isKind('InvalidArgument', new RegExp(`${foreign}, 987654`)),
    );
    assert.equal(store.labelledCount(), 0);
    assert.equal(store.undoState().undo, null);
    assert.throws(
      () => store.apply([f.id(PATHS[0]!)], { label: '  ', rank: 'species' }, 'manual'),
      isKind('InvalidArgument', /non-empty label/),
    );
    assert.throws(
      () => store.apply([f.id(PATHS[0]!)], { label: 'x', rank: 'kingdom' as never }, 'manual'),
      isKind('InvalidArgument', /rank/),
    );
    assert.throws(
      () => store.apply([0], { label: 'x', rank: 'species' }, 'manual'),
      isKind('InvalidArgument', /imageIds\[0\]/),
    );
    const twice = store.applyEach(
      [
        { imageId: f.id(PATHS[1]!), label: 'first', rank: 'species' },
        { imageId: f.id(PATHS[1]!), label: 'last', rank: 'genus' },
      ],
      'manual',
    );
    assert.deepEqual(twice.changedImageIds, [f.id(PATHS[1]!)]);
    assert.deepEqual(
      [store.labelOf(f.id(PATHS[1]!))?.label, store.labelOf(f.id(PATHS[1]!))?.rank],
      ['last', 'genus'],
      'a repeated id: the last assignment wins',
    );
  } finally {
    f.cleanup();
  }
});

test('labels from user-driven sources are never overwritten by automatic sources (propagated, model)', () => {
  const f = labelFixture(PATHS.slice(0, 6), CLASSES);
  try {
    const store = new LabelStore(f.catalog, f.libraryId);
    const [a, b, c, d, e] = PATHS.slice(0, 5).map((p) => f.id(p)) as [number, number, number, number, number];
    store.apply([a], { label: 'cat', rank: 'species' }, 'manual');
    store.apply([b], { label: 'dog', rank: 'species' }, 'accepted');
    store.apply([c], { label: 'frog', rank: 'species' }, 'imported');
    store.apply([d], { label: 'bird', rank: 'species' }, 'propagated');
    const change = store.applyEach(
      [a, b, c, d, e].map((imageId) => ({ imageId, label: 'bird', rank: 'species' as const, score: 0.7 })),
      'model',
    );
    assert.deepEqual(change.protectedImageIds, [a, b, c]);
    assert.deepEqual(change.changedImageIds, [d, e]);
    assert.equal(store.labelOf(a)?.label, 'cat');
    assert.equal(store.labelOf(a)?.source, 'manual');
    assert.deepEqual(
      { ...store.labelOf(d), updatedAt: '' },
      { imageId: d, label: 'bird', rank: 'species', source: 'model', score: 0.7, updatedAt: '' },
    );
    assert.deepEqual(
      store.apply([a, b], null, 'propagated').protectedImageIds,
      [a, b],
      'an automatic source cannot clear them either',
    );
    assert.equal(store.labelOf(a)?.label, 'cat');
    // A manual action overrides anything.
    assert.deepEqual(store.apply([d], { label: 'cat', rank: 'species' }, 'manual').changedImageIds, [d]);
  } finally {
    f.cleanup();
  }
});

test('rename relabels every image in one step and the vocabulary follows; merge; delete only unused labels', () => {
  const f = labelFixture(PATHS.slice(0, 8), CLASSES);
  try {
    const store = new LabelStore(f.catalog, f.libraryId);
    const ids = PATHS.slice(0, 8).map((p) => f.id(p));
    store.addToVocabulary('Cardinal');
    store.addToVocabulary('Icteridae', 'family');
    store.apply(ids.slice(0, 5), { label: 'Cardnal', rank: 'species' }, 'manual');
    store.apply(ids.slice(5), { label: 'Cardinal', rank: 'species' }, 'accepted');
    assert.throws(() => store.rename('Cardnal', 'Cardinal'), isKind('InvalidArgument', /already in use; merge/));
    assert.throws(() => store.rename('Nope', 'X'), isKind('InvalidArgument', /"Nope"/));
    const renamed = store.rename('Cardnal', 'Red Cardinal');
    assert.equal(renamed.changedImageIds.length, 5);
    assert.equal(store.labelOf(ids[0]!)?.source, 'manual', "rename keeps each label's source");
    assert.deepEqual(
      store.vocabulary().map((v) => [v.label, v.count, v.userAdded]),
      [
        ['Cardinal', 3, true],
        ['Icteridae', 0, true],
        ['Red Cardinal', 5, false],
      ],
    );
    store.undo();
    assert.equal(store.labelOf(ids[0]!)?.label, 'Cardnal');
    store.redo();
    const merged = store.merge('Red Cardinal', 'Cardinal');
    assert.equal(merged.changedImageIds.length, 5);
    assert.deepEqual(store.counts(), [{ label: 'Cardinal', rank: 'species', count: 8 }]);
    assert.throws(() => store.merge('Cardinal', 'Cardinal'), isKind('InvalidArgument', /two different labels/));
    assert.throws(() => store.removeFromVocabulary('Cardinal'), isKind('InvalidArgument', /8 images carry it/));
    store.removeFromVocabulary('Icteridae');
    assert.deepEqual(
      store.vocabulary().map((v) => v.label),
      ['Cardinal'],
    );
    assert.equal(store.vocabulary()[0]?.rank, 'species');
  } finally {
    f.cleanup();
  }
});
