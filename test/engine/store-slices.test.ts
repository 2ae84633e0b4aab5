/**
 * The renderer's real zustand store (all slices, as `createAppStore` combines them) in Node,
 * talking to a real in-process AppService through the contract's dispatcher: a real library,
 * catalog and onnxruntime run. Checks the grid, selection and labelling slices end to end,
 * including refreshes driven by the engine's events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AppService } from '../../main/app/app-service.js';
import type { ImageTile } from '../../main/contract/types.js';
import { DEFAULT_FILTER, imageIdAt } from '../../renderer/store/grid-slice.js';
import { type AppStore, createAppStore } from '../../renderer/store/index.js';
import {
  BIRDS,
  BROKEN_PHOTO,
  makeService,
  makeTestLibrary,
  type TestLibrary,
  openAndIndex,
} from './app-test-library.js';
import { type InProcessTransport, inProcessTransport, waitForStore } from './store-transport.js';

/** Every image of the test library: the birds, the rotated photo and the broken file. */
const TOTAL = BIRDS + 2;

/** `list[index]`, failing the test where it is missing. */
function nth<T>(list: readonly T[] | undefined, index: number): T {
  const value = list?.[index];
  assert.ok(value !== undefined, `expected an item at ${index}, received ${list?.length ?? 'no'} items`);
  return value;
}

function loadedIds(store: AppStore): number[] {
  const state = store.getState();
  const ids: number[] = [];
  for (let index = 0; index < (state.gridTotal ?? 0); index++) {
    const id = imageIdAt(state, index);
    if (id !== null) ids.push(id);
  }
  return ids;
}

describe('renderer store over a real engine', () => {
  let fixture: TestLibrary;
  let service: AppService;
  let transport: InProcessTransport;
  let store: AppStore;
  /** The engine's own answer for the default filter, in grid order. */
  let byName: ImageTile[];

  before(async () => {
    fixture = await makeTestLibrary('store-slices');
    service = makeService(fixture);
    assert.equal((await openAndIndex(service, fixture.library)).state, 'finished');
    byName = (await service.handlers['images.list']({ sort: 'name', order: 'asc', offset: 0, limit: 100 })).items;
    assert.equal(byName.length, TOTAL);
    transport = inProcessTransport(service);
    store = createAppStore(transport);
    transport.connect();
    await waitForStore(store, 'the first grid page', (state) => state.gridTotal === TOTAL && !!state.pages[0]);
  });

  after(async () => {
    await service?.close();
    await fixture?.cleanup();
  });

  test('grid: connecting loads the library, its stats and the first page in the engine order', () => {
    const state = store.getState();
    assert.equal(state.connected, true);
    assert.ok(state.library?.root.endsWith('library'), `the open library, received ${state.library?.root}`);
    assert.equal(state.stats.total, TOTAL);
    assert.deepEqual(
      state.pages[0],
      byName.map((tile) => tile.id),
    );
    assert.equal(state.tiles[nth(byName, 0).id]?.relPath, nth(byName, 0).relPath);
    assert.deepEqual(state.filter, DEFAULT_FILTER);
  });

  test('grid: filters re-query the engine (failed files, path, order) and reset the focus', async () => {
    store.getState().select(3);
    assert.equal(store.getState().selectedIndex, 3);
    store.getState().setFilter({ status: 'failed' });
    assert.equal(store.getState().selectedIndex, -1);
    let state = await waitForStore(store, 'the failed filter', (s) => s.gridTotal === 1 && !!s.pages[0]);
    const failed = state.tiles[nth(state.pages[0], 0)];
    assert.ok(failed, 'the failed tile is loaded');
    assert.equal(failed.relPath, BROKEN_PHOTO);
    assert.equal(failed.status, 'failed');
    assert.ok(failed.errorKind, 'the failed tile says why');

    store.getState().setFilter({ status: 'all', pathContains: 'birds/' });
    state = await waitForStore(store, 'the path filter', (s) => s.gridTotal === BIRDS && !!s.pages[0]);
    assert.ok(loadedIds(store).every((id) => state.tiles[id]?.relPath.startsWith('birds/')));

    store.getState().setFilter({ pathContains: '', order: 'desc' });
    await waitForStore(
      store,
      'the reversed order',
      (s) => s.gridTotal === TOTAL && s.pages[0]?.[0] === byName.at(-1)?.id,
    );
    assert.deepEqual(loadedIds(store), byName.map((tile) => tile.id).reverse());
    store.getState().setFilter({ order: 'asc' });
    await waitForStore(store, 'the name order', (s) => s.pages[0]?.[0] === nth(byName, 0).id);
  });

  test('selection: click, toggle, shift-range (loaded and unloaded pages), select all, clear', async () => {
    const ids = byName.map((tile) => tile.id);
    const { selectOnly, toggleSelected } = store.getState();
    selectOnly(nth(ids, 2), 2);
    assert.deepEqual(store.getState().selection.ids, [nth(ids, 2)]);
    toggleSelected(nth(ids, 4), 4);
    assert.deepEqual(store.getState().selection.ids, [nth(ids, 2), nth(ids, 4)]);
    assert.equal(store.getState().selection.set.has(nth(ids, 4)), true);
    toggleSelected(nth(ids, 2), 2);
    assert.deepEqual(store.getState().selection.ids, [nth(ids, 4)]);
    assert.equal(store.getState().selection.anchorIndex, 2, 'a toggle moves the anchor');

    // From loaded pages: no request.
    const before = transport.calls.length;
    await store.getState().selectRange(nth(ids, 6), 6);
    assert.deepEqual(store.getState().selection.ids, ids.slice(2, 7));
    assert.equal(transport.calls.length, before);

    // Pages not loaded (as far down a 100k grid): the range comes from images.ids, in grid order.
    selectOnly(nth(ids, TOTAL - 2), TOTAL - 2);
    store.setState({ pages: {} });
    await store.getState().selectRange(nth(ids, 1), 1);
    assert.equal(transport.calls.at(-1), 'images.ids');
    assert.deepEqual(store.getState().selection.ids, ids.slice(1, TOTAL - 1));
    assert.equal(store.getState().selection.anchorId, nth(ids, TOTAL - 2));

    // Select all follows the filter.
    store.getState().setFilter({ pathContains: 'photos/' });
    await waitForStore(store, 'the photos filter', (s) => s.gridTotal === 2);
    await store.getState().selectAll();
    const photos = byName.filter((tile) => tile.relPath.startsWith('photos/')).map((tile) => tile.id);
    assert.deepEqual(store.getState().selection.ids, photos);
    store.getState().clearSelection();
    assert.equal(store.getState().selection.ids.length, 0);
    assert.equal(store.getState().selection.anchorId, null);
    store.getState().setFilter({ pathContains: '' });
    await waitForStore(store, 'the full grid', (s) => s.gridTotal === TOTAL && !!s.pages[0]);
  });

  test('labelling: label the selection, undo and redo; labels.changed refreshes the tiles', async () => {
    const ids = byName.map((tile) => tile.id);
    const targets = ids.slice(0, 3);
    store.getState().setSelection(targets);
    await store.getState().applyLabel('bird', 'species');
    let state = await waitForStore(store, 'labelled tiles', (s) =>
      targets.every((id) => s.tiles[id]?.label?.label === 'bird'),
    );
    assert.equal(state.tiles[nth(targets, 0)]?.label?.source, 'manual');
    assert.equal(state.tiles[nth(ids, 3)]?.label, null, 'images outside the selection keep no label');
    assert.match(state.undoState.undo ?? '', /3 images/);
    assert.equal(state.stats.labelled, 3);
    assert.deepEqual(state.recentLabels[0], { label: 'bird', rank: 'species' });
    assert.equal(state.labelling, false);

    await store.getState().undoLabels();
    state = await waitForStore(store, 'undone labels', (s) => targets.every((id) => s.tiles[id]?.label === null));
    assert.equal(state.stats.labelled, 0);
    assert.ok(state.undoState.redo, 'redo is offered after an undo');

    await store.getState().redoLabels();
    state = await waitForStore(store, 'redone labels', (s) =>
      targets.every((id) => s.tiles[id]?.label?.label === 'bird'),
    );
    assert.equal(state.stats.labelled, 3);
    store.getState().clearSelection();
  });

  test('labelling: a label from another window (the engine event) refreshes a label-filtered grid', async () => {
    store.getState().setFilter({ label: 'unlabelled' });
    await waitForStore(store, 'the unlabelled filter', (s) => s.gridTotal === TOTAL - 3 && !!s.pages[0]);
    const first = nth(store.getState().pages[0], 0);
    await service.handlers['labels.set']({ imageIds: [first], label: 'cat', rank: 'species', source: 'manual' });
    const state = await waitForStore(store, 'the grid after labels.changed', (s) => s.gridTotal === TOTAL - 4);
    assert.equal(state.pages[0]?.includes(first), false);
    assert.equal(state.stats.labelled, 4);
    store.getState().setFilter({ label: 'all' });
    await waitForStore(store, 'the full grid', (s) => s.gridTotal === TOTAL && !!s.pages[0]);
  });

  test('labelling: focusNextUnlabelled skips labelled images, from loaded tiles or the engine', async () => {
    const ids = byName.map((tile) => tile.id);
    const labelled = new Set(
      Object.values(store.getState().tiles)
        .filter((tile) => tile.label)
        .map((tile) => tile.id),
    );
    assert.equal(labelled.size, 4);
    const expected = ids.findIndex((id) => !labelled.has(id));
    store.setState({ selectedIndex: -1 });
    await store.getState().focusNextUnlabelled();
    assert.equal(store.getState().selectedIndex, expected);
    assert.equal(labelled.has(nth(ids, expected)), false);

    // With the pages gone the answer comes from images.ids and is the same.
    store.setState({ selectedIndex: -1, pages: {} });
    const sent = transport.calls.length;
    await store.getState().focusNextUnlabelled();
    assert.ok(transport.calls.slice(sent).includes('images.ids'), 'asked the engine for the ids');
    assert.equal(store.getState().selectedIndex, expected);
  });

  test('similarity: find similar, a negative on the breadcrumb, label patches, the embedding map, back', async () => {
    const query = byName.find((tile) => tile.relPath.startsWith('birds/') && !tile.label)!;
    const toasts = store.getState().toasts.length;
    await store.getState().findSimilar([query.id]);
    let state = store.getState();
    assert.equal(state.similarityView, 'results');
    assert.equal(state.similarBusy, false);
    assert.deepEqual(
      state.searches.map((search) => search.title),
      [`like ${query.relPath.split('/').pop()}`],
    );
    const results = state.similarResults ?? [];
    assert.ok(results.length >= 5, `results for a library of ${TOTAL}, received ${results.length}`);
    const scores = results.map((item) => item.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
      'ranked by score',
    );

    const negative = results.find((item) => item.tile.id !== query.id)!.tile.id;
    await store.getState().addNegative(negative);
    state = store.getState();
    assert.equal(state.searches.length, 2);
    assert.deepEqual(nth(state.searches, 1).negatives, [negative]);
    assert.equal(
      state.similarResults?.some((item) => item.tile.id === negative),
      false,
      'the negative is not a result',
    );

    // A label given elsewhere shows on the result tile (labels.changed patches results).
    const target = state.similarResults!.find((item) => !item.tile.label)!.tile.id;
    await service.handlers['labels.set']({ imageIds: [target], label: 'dog', rank: 'species', source: 'manual' });
    await waitForStore(
      store,
      'the labelled result',
      (s) => s.similarResults?.find((item) => item.tile.id === target)?.tile.label?.label === 'dog',
    );

    await store.getState().backTo(0);
    assert.equal(store.getState().searches.length, 1);
    assert.deepEqual(nth(store.getState().searches, 0).negatives, []);

    await store.getState().openMap();
    state = store.getState();
    assert.equal(state.similarityView, 'map');
    assert.equal(state.mapBusy, false);
    const map = state.embeddingMap!;
    assert.equal(map.imageIds.length, state.stats.indexed);
    assert.equal(map.xy.length, 2 * map.imageIds.length);
    assert.ok(map.xy.every(Number.isFinite));
    assert.equal(map.label[map.imageIds.indexOf(target)], 'dog');
    assert.equal(store.getState().toasts.length, toasts, 'no errors along the way');

    store.getState().backToLibrary();
    assert.equal(store.getState().similarityView, 'library');
  });

  test('errors from the engine become toasts with the contract kind', async () => {
    const toasts = store.getState().toasts.length;
    await store.getState().renameLabel('no such label', 'cat');
    const state = store.getState();
    assert.equal(state.toasts.length, toasts + 1);
    assert.equal(state.toasts.at(-1)?.title, 'InvalidArgument', 'the toast names the engine error kind');
    assert.match(state.toasts.at(-1)?.message ?? '', /no such label/);
  });
});
