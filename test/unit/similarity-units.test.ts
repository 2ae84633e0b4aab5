/** Pure parts of similarity: query combination, centring, union-find, the feature store, and the contract's input checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineQuery, NEGATIVE_WEIGHT } from '../../main/engine/similarity/query-vector.js';
import { centreRows, meanVector } from '../../main/engine/similarity/centring.js';
import { UnionFind } from '../../main/engine/similarity/union-find.js';
import { FeatureStore } from '../../main/engine/similarity/feature-store.js';
import { requestSchemas } from '../../main/contract/requests.js';

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs);
  const n = Math.hypot(...xs);
  return v.map((x) => x / n);
};

test('the query is the renormalised centroid of the positives minus half the negatives', () => {
  const q = combineQuery([unit(1, 0, 0), unit(0, 1, 0)], [], 3);
  assert.ok(Math.abs(q[0]! - Math.SQRT1_2) < 1e-6 && Math.abs(q[1]! - Math.SQRT1_2) < 1e-6 && q[2] === 0);
  const pushed = combineQuery([unit(1, 0, 0)], [unit(0, 1, 0)], 3);
  const expected = unit(1, -NEGATIVE_WEIGHT, 0);
  pushed.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-6));
  assert.throws(() => combineQuery([], [], 3), /expected at least one positive/);
  assert.throws(() => combineQuery([unit(1, 0)], [], 3), /expected query vectors of 3 floats, received 2/);
});

test('centring subtracts the mean and renormalises each row', () => {
  const rows = Float32Array.from([1, 0, 0.8, 0.6]);
  const mean = meanVector(rows, 2);
  assert.deepEqual(
    Array.from(mean).map((x) => Number(x.toFixed(6))),
    [0.9, 0.3],
  );
  const centred = centreRows(rows, 2, mean);
  assert.ok(Math.abs(Math.hypot(centred[0]!, centred[1]!) - 1) < 1e-6);
  assert.ok(Math.abs(centred[0]! + centred[2]!) < 1e-6, 'two rows centre to opposite directions');
});

test('union-find groups connected pairs and drops singletons', () => {
  const sets = new UnionFind(6);
  sets.union(0, 1);
  sets.union(1, 2);
  sets.union(4, 5);
  const groups = sets
    .groups(2)
    .map((g) => g.sort())
    .sort((a, b) => b.length - a.length);
  assert.deepEqual(groups, [
    [0, 1, 2],
    [4, 5],
  ]);
});

test('the feature store appends, replaces by id and grows', () => {
  const store = new FeatureStore(2, 1);
  assert.deepEqual(store.upsert([7, 9], Float32Array.from([1, 0, 0, 1])), [7, 9]);
  assert.deepEqual(store.upsert([7], Float32Array.from([0.6, 0.8])), []);
  assert.equal(store.size, 2);
  assert.deepEqual(
    Array.from(store.vector(7)!).map((x) => Number(x.toFixed(2))),
    [0.6, 0.8],
  );
  assert.throws(() => store.upsert([1], Float32Array.from([1])), /expected 1 x 2 floats, received 1/);
  assert.throws(() => new FeatureStore(0), /positive integer feature dimension/);
});

test('the similarity requests refuse bad input', () => {
  const search = requestSchemas['similar.search'];
  assert.equal(search.safeParse({ positives: [] }).success, false);
  assert.equal(search.safeParse({ positives: [1], top: 0 }).success, false);
  assert.equal(search.safeParse({ positives: [1], threshold: 2 }).success, false);
  assert.deepEqual(search.parse({ positives: [3] }), { positives: [3], negatives: [], top: 200 });
  assert.equal(
    requestSchemas['duplicates.trash'].safeParse({ imageIds: [1], confirmed: false }).success,
    false,
    'trashing needs an explicit confirmation',
  );
  assert.equal(requestSchemas['similar.map'].safeParse({ kind: 'tsne' }).success, false);
});

test('exact search answers a query given as a view into a larger buffer (usearch ignores byteOffset)', async () => {
  const { exactNeighbours } = await import('../../main/engine/similarity/exact-search.js');
  const store = FeatureStore.from([1, 2, 3], 2, Float32Array.from([1, 0, 0, 1, 0.6, 0.8]));
  const view = store.vectors.subarray(2, 4); // row 2's vector (0, 1), at a byte offset
  assert.deepEqual(
    exactNeighbours(store, view, 2, null).map((n) => n.imageId),
    [2, 3],
  );
});
