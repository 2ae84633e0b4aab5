/**
 * Labelling through the contract (the engine side the app and `serve` share): a real library,
 * catalog and onnxruntime run with a seeded CUB-200 model, then every label request as the UI
 * sends it, checked against what the catalog then lists, filters and exports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AppService } from '../../main/app/app-service.js';
import type { AppEvent } from '../../main/contract/events.js';
import type { ImageTile } from '../../main/contract/types.js';
import { buildSeededModel } from '../../main/zoo/resnet/build-model.js';
import { makeService, makeTestLibrary, type TestLibrary, openAndIndex } from './app-test-library.js';

const LIST = { sort: 'name', order: 'asc', offset: 0, limit: 100 } as const;

describe('labelling through the contract', () => {
  let fixture: TestLibrary;
  let service: AppService;
  const events: AppEvent[] = [];
  let tiles: ImageTile[];

  before(async () => {
    fixture = await makeTestLibrary('app-labels');
    // A CUB-200 label set, so the vocabulary has the taxonomy (the library's model is replaced).
    await buildSeededModel({
      architecture: 'resnet18-cifar',
      classes: 'cub200',
      seed: 5,
      outPath: fixture.modelPath,
      env: fixture.env,
    });
    service = makeService(fixture, events);
    assert.equal((await openAndIndex(service, fixture.library)).state, 'finished');
    tiles = (await service.handlers['images.list']({ ...LIST, status: 'indexed' })).items;
    assert.ok(tiles.length >= 12);
  });

  after(async () => {
    await service?.close();
    await fixture?.cleanup();
  });

  test('the vocabulary of a CUB model is the taxonomy, with back-off ranks', async () => {
    const vocabulary = await service.handlers['labels.vocabulary']({});
    assert.equal(vocabulary.labelSet, 'cub200');
    assert.equal(vocabulary.hierarchical, true);
    const species = vocabulary.options.filter((option) => option.rank === 'species');
    assert.equal(species.length, 200);
    const cardinal = species.find((option) => option.label === 'Cardinal');
    assert.equal(cardinal?.genus, 'Cardinalis');
    assert.equal(cardinal?.scientificName, 'Cardinalis cardinalis');
    assert.ok(vocabulary.options.some((option) => option.rank === 'genus' && option.label === 'Cardinalis'));
    assert.ok(vocabulary.options.some((option) => option.rank === 'family' && option.label === 'Cardinalidae'));
    assert.ok(vocabulary.options.some((option) => option.rank === 'order' && option.label === 'Passeriformes'));
  });

  test('a bulk label is one step: listed, filtered, undone and redone, announced to every window', async () => {
    const ids = tiles.slice(0, 3).map((tile) => tile.id);
    events.length = 0;
    const summary = await service.handlers['labels.set']({
      imageIds: ids,
      label: 'Blue_Jay',
      rank: 'species',
      source: 'manual',
    });
    assert.equal(summary.changed, 3);
    assert.match(summary.undo.undo ?? '', /3 images/);
    const changed = events.find((event) => event.type === 'labels.changed');
    assert.deepEqual(
      changed?.type === 'labels.changed' ? [...(changed.imageIds ?? [])].sort((a, b) => a - b) : null,
      [...ids].sort((a, b) => a - b),
    );
    const labelled = await service.handlers['images.list']({ ...LIST, label: 'labelled' });
    assert.deepEqual(
      labelled.items.map((tile) => tile.id).sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
    );
    assert.ok(
      labelled.items.every(
        (tile) => tile.label?.label === 'Blue_Jay' && tile.label.source === 'manual' && tile.label.rank === 'species',
      ),
    );
    assert.equal((await service.handlers['library.stats']({})).labelled, 3);
    const unlabelled = await service.handlers['images.ids']({ sort: 'name', order: 'asc', label: 'unlabelled' });
    assert.ok(!unlabelled.ids.some((id) => ids.includes(id)));

    assert.equal((await service.handlers['labels.undo']({}))?.changed, 3);
    assert.equal((await service.handlers['images.list']({ ...LIST, label: 'labelled' })).total, 0);
    assert.equal((await service.handlers['labels.redo']({}))?.changed, 3);
    assert.equal((await service.handlers['images.list']({ ...LIST, label: 'labelled' })).total, 3);
    const history = await service.handlers['labels.history']({ imageId: ids[0]! });
    assert.ok(history.length >= 1 && history.at(-1)?.newLabel === 'Blue_Jay');
  });

  test('a genus filter finds the species under it and labels given at the genus rank', async () => {
    const [first, second] = tiles.slice(3, 5);
    await service.handlers['labels.set']({
      imageIds: [first!.id],
      label: 'Cardinal',
      rank: 'species',
      source: 'manual',
    });
    await service.handlers['labels.set']({
      imageIds: [second!.id],
      label: 'Cardinalis',
      rank: 'genus',
      source: 'manual',
    });
    const genus = await service.handlers['images.ids']({
      sort: 'name',
      order: 'asc',
      labelIs: { label: 'Cardinalis', rank: 'genus' },
    });
    assert.deepEqual(
      [...genus.ids].sort((a, b) => a - b),
      [first!.id, second!.id].sort((a, b) => a - b),
    );
    const family = await service.handlers['images.ids']({
      sort: 'name',
      order: 'asc',
      labelIs: { label: 'Cardinalidae', rank: 'family' },
    });
    assert.equal(family.ids.length, 2);
    const species = await service.handlers['images.ids']({
      sort: 'name',
      order: 'asc',
      labelIs: { label: 'Cardinal', rank: 'species' },
    });
    assert.deepEqual(species.ids, [first!.id]);
  });

  test('accepting predictions labels each image with its own top-1, which then agrees', async () => {
    const target = tiles.slice(5, 8);
    const summary = await service.handlers['labels.acceptPredictions']({ imageIds: target.map((tile) => tile.id) });
    assert.equal(summary.changed, 3);
    const listed = await service.handlers['images.list']({ ...LIST, label: 'labelled' });
    for (const tile of target) {
      const after = listed.items.find((item) => item.id === tile.id);
      assert.equal(after?.label?.label, tile.top1?.name);
      assert.equal(after?.label?.source, 'accepted');
    }
    const disagree = await service.handlers['images.ids']({ sort: 'name', order: 'asc', label: 'disagree' });
    for (const tile of target) assert.ok(!disagree.ids.includes(tile.id), 'an accepted top-1 is no disagreement');
    // The seeded model's top-1 is (almost surely) not Blue_Jay: those three disagree.
    const jays = (await service.handlers['images.list']({ ...LIST, labelIs: { label: 'Blue_Jay', rank: 'species' } }))
      .items;
    for (const tile of jays) assert.equal(disagree.ids.includes(tile.id), tile.top1?.name !== 'Blue_Jay');
  });

  test('the uncertainty sort puts the smallest top-2 margin first', async () => {
    const page = await service.handlers['images.list']({ ...LIST, status: 'indexed', sort: 'uncertainty' });
    assert.equal(page.total, tiles.length);
    const margins: number[] = [];
    for (const tile of page.items) {
      const details = await service.handlers['images.details']({ id: tile.id });
      margins.push((details.topk[0]?.prob ?? 0) - (details.topk[1]?.prob ?? 0));
    }
    for (let i = 1; i < margins.length; i++)
      assert.ok(margins[i - 1]! <= margins[i]! + 1e-6, `margins ascending: ${margins.join(', ')}`);
  });

  test('export then import in dry-run reports every row; a bad row is named, a malformed file changes nothing', async () => {
    const exported = await service.handlers['labels.exportCsv']({ labelsOnly: true });
    assert.match(exported.fileName, /\.csv$/);
    const [header, ...rows] = exported.csv.trim().split(/\r\n/);
    assert.match(
      header ?? '',
      /^path,label,label_source,label_rank,scientific_name,genus,family,order,prediction,confidence,top_k,model,labelled_at$/,
    );
    assert.equal(rows.length, (await service.handlers['library.stats']({})).labelled);
    const before = (await service.handlers['library.stats']({})).labelled;
    const report = await service.handlers['labels.importCsv']({
      csv: `${exported.csv}nowhere/missing.jpg,Blue_Jay\r\n`,
      dryRun: true,
    });
    assert.equal(report.dryRun, true);
    assert.equal(report.applied, rows.length);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0]!.reason, /missing\.jpg|unknown|not in the library/i);
    await assert.rejects(
      Promise.resolve().then(() =>
        service.handlers['labels.importCsv']({ csv: 'just,some\nwords,here\n', dryRun: false }),
      ),
      /path/,
    );
    assert.equal((await service.handlers['library.stats']({})).labelled, before);
  });

  test('rename relabels every image in one step; removing a label in use is refused', async () => {
    const summary = await service.handlers['labels.rename']({ from: 'Blue_Jay', to: 'Jay sp.' });
    assert.equal(summary.changed, 3);
    assert.equal(
      (
        await service.handlers['images.ids']({
          sort: 'name',
          order: 'asc',
          labelIs: { label: 'Jay sp.', rank: 'species' },
        })
      ).ids.length,
      3,
    );
    await assert.rejects(
      Promise.resolve().then(() => service.handlers['labels.remove']({ label: 'Jay sp.' })),
      /unused|carry/i,
    );
    await service.handlers['labels.undo']({});
    assert.equal(
      (
        await service.handlers['images.ids']({
          sort: 'name',
          order: 'asc',
          labelIs: { label: 'Blue_Jay', rank: 'species' },
        })
      ).ids.length,
      3,
    );
  });
});
