/**
 * The softmax head trainer (real onnxruntime sessions, real worker thread): cross-validation
 * picks a sensible regularisation, out-of-fold probabilities find flipped labels, label spreading
 * follows the clusters, and cancelling stops the worker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainHead } from '../../main/engine/learning/train-head.js';
import { trainInWorker } from '../../main/engine/learning/train-client.js';
import { headProbabilities } from '../../main/engine/learning/head.js';
import { seededRandom, stratifiedFolds } from '../../main/engine/learning/folds.js';
import { knnGraph } from '../../main/engine/learning/knn-graph.js';
import { rankSuspects } from '../../main/engine/learning/suspects.js';
import { spreadLabels } from '../../main/engine/learning/label-spreading.js';
import { FieldmarkError } from '../../main/util/errors.js';

/** Unit vectors around `classes` random centres; `spread` is the noise's share. */
function clusters(rows: number, dim: number, classes: number, spread: number, seed: number) {
  const random = seededRandom(seed);
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: dim }, () => random() * 2 - 1));
  const vectors = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    labels[i] = c;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = (1 - spread) * centres[c]![j]! + spread * (random() * 2 - 1);
      vectors[i * dim + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = vectors[i * dim + j]! / Math.sqrt(norm);
  }
  return { vectors, labels, rows, dim, classNames: Array.from({ length: classes }, (_, c) => `class ${c}`) };
}

const GRID = [0.1, 1, 10, 100, 1000];

test('on separable data cross-validation picks weak regularisation and the head is right on every row', async () => {
  const data = clusters(120, 32, 3, 0.3, 1);
  const result = await trainHead(data, { cGrid: GRID });
  assert.ok(result.c >= 100, `expected C >= 100, received ${result.c} (${JSON.stringify(result.cvCurve)})`);
  assert.equal(result.cvAccuracy, 1);
  const probabilities = headProbabilities(result.head, data.vectors, data.rows, true);
  for (let i = 0; i < data.rows; i++) {
    const p = probabilities.subarray(i * 3, i * 3 + 3);
    assert.equal(p.indexOf(Math.max(...p)), data.labels[i]);
  }
});

test('on noise (labels unrelated to the features) cross-validation picks strong regularisation', async () => {
  const data = clusters(120, 32, 3, 0.3, 2);
  const random = seededRandom(9);
  for (let i = 0; i < data.rows; i++) data.labels[i] = Math.floor(random() * 3);
  const result = await trainHead(data, { cGrid: GRID });
  assert.ok(result.c <= 1, `expected C <= 1, received ${result.c} (${JSON.stringify(result.cvCurve)})`);
  assert.ok(result.cvAccuracy < 0.6, `chance-level CV accuracy expected, received ${result.cvAccuracy}`);
  // Strongly regularised: the head's probabilities stay near the uniform 1/3.
  const probabilities = headProbabilities(result.head, data.vectors, data.rows, true);
  assert.ok(Math.max(...probabilities) < 0.6, `max probability ${Math.max(...probabilities)}`);
});

test('stratified folds give every fold a share of every class', () => {
  const labels = Int32Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : 1));
  const folds = stratifiedFolds(labels, 5, 3);
  for (let f = 0; f < 5; f++) {
    assert.equal(labels.filter((l, i) => l === 0 && folds[i] === f).length, 8);
    assert.equal(labels.filter((l, i) => l === 1 && folds[i] === f).length, 2);
  }
});

test('labels flipped on purpose come out at the top of the suspects', async () => {
  const data = clusters(150, 24, 3, 0.45, 3);
  const flipped = [7, 50, 101, 133];
  for (const row of flipped) data.labels[row] = (data.labels[row]! + 1) % 3;
  const trained = await trainInWorker(data, { outOfFold: true });
  assert.ok(trained.outOfFold, 'out-of-fold probabilities');
  const graph = await knnGraph(data.vectors, data.rows, data.dim, 8);
  const suspects = rankSuspects(trained.outOfFold!, data.labels, 3, graph);
  assert.deepEqual(
    suspects
      .slice(0, flipped.length)
      .map((s) => s.row)
      .sort((a, b) => a - b),
    flipped,
  );
  for (const s of suspects.slice(0, flipped.length))
    assert.equal(s.suggested, (data.labels[s.row]! + 2) % 3, 'the suggestion is the original label');
});

test('label spreading reaches the unlabelled rows of each cluster with its label', async () => {
  const data = clusters(90, 16, 3, 0.4, 4);
  const seeds = new Int32Array(data.rows).fill(-1);
  for (let i = 0; i < 9; i++) seeds[i] = data.labels[i]!;
  const graph = await knnGraph(data.vectors, data.rows, data.dim, 6);
  assert.equal(graph.k, 6);
  for (let i = 0; i < data.rows; i++)
    assert.ok(!graph.neighbours.subarray(i * 6, i * 6 + 6).includes(i), 'a row is not its own neighbour');
  const spread = spreadLabels(graph, seeds, 3);
  let correct = 0;
  for (let i = 9; i < data.rows; i++) if (spread.label[i] === data.labels[i]) correct += 1;
  assert.ok(correct / (data.rows - 9) > 0.95, `${correct} of ${data.rows - 9}`);
  assert.ok(spread.score.every((s) => s >= 0 && s <= 1));
});

test('training refuses a label with a single image, and cancelling stops the worker', async () => {
  const data = clusters(30, 8, 3, 0.3, 5);
  data.labels[0] = 2;
  const single = { ...data, classNames: [...data.classNames, 'lonely'], labels: Int32Array.from(data.labels) };
  single.labels[1] = 3;
  await assert.rejects(
    trainHead(single),
    (error: unknown) =>
      error instanceof FieldmarkError && error.kind === 'InvalidArgument' && /"lonely" has 1/.test(error.message),
  );
  const big = clusters(3000, 256, 10, 0.5, 6);
  const controller = new AbortController();
  const progress: number[] = [];
  const running = trainInWorker(big, {
    signal: controller.signal,
    onProgress: (fraction) => {
      progress.push(fraction);
      controller.abort();
    },
  });
  await assert.rejects(running, (error: unknown) => error instanceof FieldmarkError && error.kind === 'Cancelled');
  assert.ok(progress.length >= 1 && progress.every((f) => f < 1), `progress before the cancel: ${progress.join(', ')}`);
});
