/**
 * The similarity engine on real-image features (the pretrained CIFAR-10 ResNet-20 converted from
 * its checkpoint): exact search against a brute-force reference, HNSW recall, filters, threshold,
 * negatives, the worker (background index, saved and reloaded), near-duplicate groups of planted
 * copies, no group among distinct photos, outside-file queries, and the 2-D maps.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { referencePath, tempDir } from '../helpers/paths.js';
import { runFieldmark, jsonLines } from '../helpers/cli.js';
import { openLibrary, type OpenLibrary } from '../../main/engine/library.js';
import { SimilarityCore, similarityFilePrefix } from '../../main/engine/similarity/similarity-core.js';
import { SimilarityEngine } from '../../main/engine/similarity/similarity-engine.js';
import { nearestNeighbours } from '../../main/engine/similarity/vector-search.js';
import { NEGATIVE_WEIGHT, normalizeInPlace } from '../../main/engine/similarity/query-vector.js';
import { makePlantedLibrary, type PlantedLibrary } from './similarity-library.js';

const work = tempDir('similarity');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data'), FIELDMARK_CACHE_DIR: join(work.path, 'cache') };
const model = join(work.path, 'r20.onnx');
const cifarFolder = join(work.path, 'cifar');
const distinctFolder = join(work.path, 'distinct');
let planted: PlantedLibrary;
const CIFAR_COUNT = 1000;

async function classify(folder: string): Promise<void> {
  const run = await runFieldmark(['classify', folder, '--model', model], env);
  assert.equal(run.code, 0, run.stderr);
}

async function open(folder: string): Promise<{ library: OpenLibrary; core: SimilarityCore; modelRowId: number }> {
  const library = await openLibrary(folder, { env });
  const modelRowId = library.catalog.listModels()[0]!.rowId;
  const core = new SimilarityCore({
    catalog: library.catalog,
    libraryId: library.libraryId,
    modelRowId,
    savePrefix: null,
  });
  return { library, core, modelRowId };
}

before(async () => {
  const converted = await runFieldmark(
    [
      'models',
      'convert',
      referencePath('weights', 'resnet20-12fca82f.th'),
      '--like',
      'akamaster-resnet20_cifar10',
      '--out',
      model,
    ],
    env,
  );
  assert.equal(converted.code, 0, converted.stderr);
  planted = await makePlantedLibrary(join(work.path, 'planted'));
  mkdirSync(distinctFolder);
  for (const name of planted.originals) copyFileSync(join(planted.folder, name), join(distinctFolder, name));
  mkdirSync(cifarFolder);
  const names = readdirSync(referencePath('cifar10_test', 'jpg'))
    .sort()
    .filter((_, i) => i % 10 === 0)
    .slice(0, CIFAR_COUNT);
  for (const name of names) copyFileSync(referencePath('cifar10_test', 'jpg', name), join(cifarFolder, name));
  for (const folder of [planted.folder, distinctFolder, cifarFolder]) await classify(folder);
});
after(() => work.cleanup());

test('exact search (usearch) returns what a brute-force scan returns, scores included', async () => {
  const { library, core } = await open(cifarFolder);
  try {
    assert.equal(core.store.size, CIFAR_COUNT);
    for (let q = 0; q < 25; q++) {
      const id = core.store.imageIds[q * 37]!;
      const answer = core.search({ positives: [id], top: 10, method: 'exact' });
      assert.equal(answer.method, 'exact');
      const reference = nearestNeighbours(core.store, core.vectorOf(id), 10, id);
      assert.equal(answer.neighbours.length, 10);
      for (let i = 0; i < 10; i++) {
        assert.ok(
          Math.abs(answer.neighbours[i]!.score - reference[i]!.score) < 1e-4,
          `rank ${i}: ${answer.neighbours[i]!.score} vs ${reference[i]!.score}`,
        );
        // Equal ids, except where two scores tie to float precision.
        if (answer.neighbours[i]!.imageId !== reference[i]!.imageId)
          assert.ok(Math.abs(answer.neighbours[i]!.score - reference[i]!.score) < 1e-5);
      }
      for (let i = 1; i < 10; i++) assert.ok(answer.neighbours[i - 1]!.score >= answer.neighbours[i]!.score);
    }
  } finally {
    library.catalog.close();
  }
});

test('exact search through the int8 pre-scan returns the float32 ranking and scores', async () => {
  const library = await openLibrary(cifarFolder, { env });
  try {
    const modelRowId = library.catalog.listModels()[0]!.rowId;
    const plain = new SimilarityCore({
      catalog: library.catalog,
      libraryId: library.libraryId,
      modelRowId,
      savePrefix: null,
    });
    const coded = new SimilarityCore({
      catalog: library.catalog,
      libraryId: library.libraryId,
      modelRowId,
      savePrefix: null,
      int8ScanMin: 0,
    });
    assert.equal(plain.store.codes, null);
    assert.ok(coded.store.codes);
    for (let q = 0; q < 50; q++) {
      const id = coded.store.imageIds[q * 19]!;
      const a = plain.search({ positives: [id], top: 10, method: 'exact' }).neighbours;
      const b = coded.search({
        positives: [id],
        top: 10,
        method: 'exact',
        filter: q % 5 === 0 ? { classIndex: q % 10 } : undefined,
      });
      if (q % 5 === 0) continue; // filtered queries: checked for order only below
      assert.deepEqual(
        b.neighbours.map((n) => n.imageId),
        a.map((n) => n.imageId),
      );
      b.neighbours.forEach((n, i) => assert.ok(Math.abs(n.score - a[i]!.score) < 1e-5));
    }
    const filtered = coded.search({
      positives: [coded.store.imageIds[0]!],
      top: 10,
      filter: { classIndex: 2 },
    }).neighbours;
    const reference = plain.search({
      positives: [coded.store.imageIds[0]!],
      top: 10,
      filter: { classIndex: 2 },
    }).neighbours;
    assert.deepEqual(
      filtered.map((n) => n.imageId),
      reference.map((n) => n.imageId),
    );
  } finally {
    library.catalog.close();
  }
});

test('the HNSW index reaches recall@10 >= 0.95 against exact search on real-image features', async () => {
  const { library, core } = await open(cifarFolder);
  try {
    let hits = 0;
    const queries = 100;
    for (let q = 0; q < queries; q++) {
      const id = core.store.imageIds[q * 10]!;
      const exact = new Set(
        core.search({ positives: [id], top: 10, method: 'exact' }).neighbours.map((n) => n.imageId),
      );
      const approximate = core.search({ positives: [id], top: 10, method: 'approximate' });
      assert.equal(approximate.method, 'approximate');
      hits += approximate.neighbours.filter((n) => exact.has(n.imageId)).length;
    }
    const recall = hits / (queries * 10);
    assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  } finally {
    library.catalog.close();
  }
});

test('neighbours share the query class far above chance with the pretrained model', async () => {
  const { library, core } = await open(cifarFolder);
  try {
    const labelOf = new Map<number, string>();
    for (const item of library.catalog.listImages({ libraryId: library.libraryId, modelRowId: null }).items)
      labelOf.set(item.id, item.relPath.split('_')[1]!);
    let same = 0;
    for (let q = 0; q < 200; q++) {
      const id = core.store.imageIds[q * 5]!;
      same += core
        .search({ positives: [id], top: 10 })
        .neighbours.filter((n) => labelOf.get(n.imageId) === labelOf.get(id)).length;
    }
    assert.ok(same / 2000 > 0.5, `same-class share of the 10 nearest: ${same / 2000} (chance 0.1)`);
  } finally {
    library.catalog.close();
  }
});

test('filters, threshold and several positives shape the results', async () => {
  const { library, core, modelRowId } = await open(cifarFolder);
  try {
    const ids = [core.store.imageIds[3]!, core.store.imageIds[40]!, core.store.imageIds[77]!];
    const classIndex = 3;
    const filtered = core.search({ positives: ids, top: 20, filter: { classIndex, minConfidence: 0.5 } });
    assert.equal(filtered.neighbours.length, 20);
    for (const n of filtered.neighbours) {
      const details = library.catalog.imageDetails(n.imageId, modelRowId)!;
      assert.equal(details.prediction!.topk[0]!.index, classIndex);
      assert.ok(details.prediction!.topk[0]!.prob >= 0.5);
      assert.ok(!ids.includes(n.imageId), 'the positives themselves are left out');
    }
    const all = core.search({ positives: ids, top: 50 });
    const threshold = all.neighbours[9]!.score;
    const above = core.search({ positives: ids, top: 50, threshold });
    assert.ok(above.neighbours.length >= 10 && above.neighbours.length < 50);
    assert.ok(above.neighbours.every((n) => n.score >= threshold));
    // The centroid query: each score is the cosine with the renormalised mean of the positives.
    const centroid = new Float32Array(core.store.dim);
    for (const id of ids) core.vectorOf(id).forEach((v, i) => (centroid[i] = centroid[i]! + v));
    normalizeInPlace(centroid);
    const first = all.neighbours[0]!;
    const expected = core.vectorOf(first.imageId).reduce((sum, v, i) => sum + v * centroid[i]!, 0);
    assert.ok(Math.abs(first.score - expected) < 1e-4);
  } finally {
    library.catalog.close();
  }
});

test('a negative pushes its look-alikes down (Rocchio: mean(pos) - 0.5 mean(neg))', async () => {
  const { library, core } = await open(cifarFolder);
  try {
    const positive = core.store.imageIds[10]!;
    const negative = core.search({ positives: [positive], top: 1 }).neighbours[0]!.imageId;
    const plain = core.search({ positives: [positive], top: CIFAR_COUNT - 2 }).neighbours.map((n) => n.imageId);
    const pushed = core.search({ positives: [positive], negatives: [negative], top: CIFAR_COUNT - 2 }).neighbours;
    assert.ok(!pushed.some((n) => n.imageId === negative));
    const likeNegative = core
      .search({ positives: [negative], top: 5 })
      .neighbours.map((n) => n.imageId)
      .filter((id) => id !== positive);
    const meanRank = (order: number[]) =>
      likeNegative.reduce((sum, id) => sum + order.indexOf(id), 0) / likeNegative.length;
    assert.ok(
      meanRank(pushed.map((n) => n.imageId)) > meanRank(plain),
      `negative's neighbours: mean rank ${meanRank(plain)} -> ${meanRank(pushed.map((n) => n.imageId))}`,
    );
    const q = new Float32Array(core.store.dim);
    core.vectorOf(positive).forEach((v, i) => (q[i] = v - NEGATIVE_WEIGHT * core.vectorOf(negative)[i]!));
    normalizeInPlace(q);
    const top = pushed[0]!;
    assert.ok(Math.abs(top.score - core.vectorOf(top.imageId).reduce((s, v, i) => s + v * q[i]!, 0)) < 1e-4);
  } finally {
    library.catalog.close();
  }
});

test('the worker builds the index in the background, saves it beside the catalog and reloads it', async () => {
  const library = await openLibrary(cifarFolder, { env });
  const modelRowId = library.catalog.listModels()[0]!.rowId;
  library.catalog.close();
  const params = {
    catalogPath: library.catalogPath,
    libraryId: library.libraryId,
    modelRowId,
    approximateMin: 500,
    persist: true,
  };
  const engine = await SimilarityEngine.open(params);
  try {
    const first = await engine.search({ positives: [5], top: 10, method: 'exact' });
    assert.equal(first.neighbours.length, 10);
    const deadline = Date.now() + 30_000;
    let status = await engine.status();
    while (status.indexed < status.vectors && Date.now() < deadline) status = await engine.status();
    assert.equal(status.indexed, CIFAR_COUNT);
    const auto = await engine.search({ positives: [5], top: 10 });
    assert.equal(auto.method, 'approximate');
    assert.ok(existsSync(`${similarityFilePrefix(library.catalogPath, modelRowId)}.hnsw`));
  } finally {
    await engine.close();
  }
  const reopened = await SimilarityEngine.open(params);
  try {
    const status = await reopened.status();
    assert.equal(status.indexed, CIFAR_COUNT, 'the saved index is loaded, not rebuilt');
    const pca = await reopened.projection('pca');
    assert.equal(pca.imageIds.length, CIFAR_COUNT);
    assert.equal(pca.xy.length, 2 * CIFAR_COUNT);
    assert.ok(pca.xy.every(Number.isFinite));
  } finally {
    await reopened.close();
  }
});

test('UMAP maps the library in the worker and keeps same-class images together', async () => {
  const library = await openLibrary(cifarFolder, { env });
  const modelRowId = library.catalog.listModels()[0]!.rowId;
  const labelOf = new Map(
    library.catalog
      .listImages({ libraryId: library.libraryId, modelRowId: null })
      .items.map((item) => [item.id, item.relPath.split('_')[1]!]),
  );
  library.catalog.close();
  const engine = await SimilarityEngine.open({
    catalogPath: library.catalogPath,
    libraryId: library.libraryId,
    modelRowId,
    persist: true,
  });
  try {
    const map = await engine.projection('umap');
    assert.equal(map.kind, 'umap');
    assert.equal(map.xy.length, 2 * CIFAR_COUNT);
    let same = 0;
    for (let i = 0; i < 100; i++) {
      let best = -1;
      let bestDistance = Infinity;
      for (let j = 0; j < map.imageIds.length; j++) {
        if (j === i) continue;
        const d = (map.xy[2 * i]! - map.xy[2 * j]!) ** 2 + (map.xy[2 * i + 1]! - map.xy[2 * j + 1]!) ** 2;
        if (d < bestDistance) [best, bestDistance] = [j, d];
      }
      if (labelOf.get(map.imageIds[best]!) === labelOf.get(map.imageIds[i]!)) same += 1;
    }
    assert.ok(same > 40, `nearest point on the map has the same class for ${same} of 100 (chance ~10)`);
    assert.ok(existsSync(`${similarityFilePrefix(library.catalogPath, modelRowId)}.umap`), 'cached per model');
  } finally {
    await engine.close();
  }
});

test('duplicates groups each planted photo with its resized, recompressed and cropped copies', async () => {
  const run = await runFieldmark(['duplicates', planted.folder, '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const groups = jsonLines(run.stdout).filter((line) => line.type === 'group');
  assert.equal(groups.length, planted.copies.size, run.stdout);
  const found = groups.map((g) => (g.members as { path: string }[]).map((m) => m.path).sort());
  const expected = [...planted.copies].map(([original, copies]) => [original, ...copies].sort());
  assert.deepEqual(found.sort(), expected.sort());
  for (const group of groups) {
    const keepers = (group.members as { path: string; keep: boolean }[]).filter((m) => m.keep);
    assert.equal(keepers.length, 1);
    assert.match(
      keepers[0]!.path,
      /\.JPEG$|-crop\.png$|-q35\.jpg$/,
      'a full-size member is kept, not the half-size copy',
    );
  }
  const csv = join(work.path, 'dups.csv');
  const written = await runFieldmark(['duplicates', planted.folder, '--csv', csv], env);
  assert.equal(written.code, 0, written.stderr);
  assert.ok(existsSync(csv));
});

test('duplicates finds no group among distinct photos', async () => {
  const run = await runFieldmark(['duplicates', distinctFolder, '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const lines = jsonLines(run.stdout);
  assert.equal(lines.filter((line) => line.type === 'group').length, 0, run.stdout);
  assert.equal(lines.at(-1)!.groups, 0);
});

test('similar takes a photo from outside the library: run through the model, not added', async () => {
  const [original, copies] = [...planted.copies][1]!;
  const outside = join(work.path, 'outside.jpg');
  const meta = await sharp(join(planted.folder, original)).metadata();
  await sharp(join(planted.folder, original))
    .resize(Math.round(meta.width! * 0.7))
    .jpeg({ quality: 60 })
    .toFile(outside);
  const before = await open(planted.folder);
  const count = before.core.store.size;
  before.library.catalog.close();
  const run = await runFieldmark(['similar', planted.folder, outside, '--model', model, '--top', '4', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const paths = jsonLines(run.stdout).map((line) => line.path);
  assert.deepEqual([...paths].sort(), [original, ...copies].sort());
  const after = await open(planted.folder);
  assert.equal(after.core.store.size, count, 'the outside photo was not added to the catalog');
  after.library.catalog.close();
  const negative = await runFieldmark(['similar', planted.folder, original, '--negative', copies[0]!, '--json'], env);
  assert.equal(negative.code, 0, negative.stderr);
  assert.ok(!jsonLines(negative.stdout).some((line) => line.path === copies[0]));
  const bad = await runFieldmark(['similar', planted.folder, original, '--threshold', '2'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--threshold: expected a number from 0 to 1, received "2"/);
});
