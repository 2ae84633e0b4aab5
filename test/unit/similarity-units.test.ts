/** Pure parts of similarity: query combination, centring, near-duplicate groups, the feature store, and the contract's input checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineQuery, NEGATIVE_WEIGHT } from '../../main/engine/similarity/query-vector.js';
import { centreRows, meanVector } from '../../main/engine/similarity/centring.js';
import { findDuplicateGroups } from '../../main/engine/similarity/duplicates.js';
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

/** Unit vectors at these angles (degrees) in a plane of `dim` dimensions: cosine of two is cos(angle difference). */
function storeAtAngles(degrees: number[], dim = 4): FeatureStore {
  const vectors = new Float32Array(degrees.length * dim);
  degrees.forEach((angle, i) => {
    vectors[i * dim] = Math.cos((angle * Math.PI) / 180);
    vectors[i * dim + 1] = Math.sin((angle * Math.PI) / 180);
  });
  return FeatureStore.from(
    degrees.map((_, i) => 100 + i),
    dim,
    vectors,
  );
}

test('near-duplicate groups do not chain: a run A~B~C~D whose ends differ is not one group', () => {
  // Neighbours 20 degrees apart score cos 20 = 0.94; A and D, 60 degrees apart, score 0.5.
  const store = storeAtAngles([0, 20, 40, 60]);
  const groups = findDuplicateGroups(store, null, 0.9);
  assert.ok(groups.length >= 1, 'adjacent shots still group');
  for (const group of groups) {
    assert.ok(group.imageIds.length < 4, `not one chained group: ${JSON.stringify(groups)}`);
    assert.ok(group.minScore >= 0.9, "every member is a near-duplicate of the group's first photo");
    assert.ok(!(group.imageIds.includes(100) && group.imageIds.includes(103)), 'the two ends are never together');
  }
  assert.deepEqual(
    groups.map((group) => group.imageIds.length),
    [3],
    'the best-connected shot takes both its neighbours; the far end is left alone',
  );
});

test('near-duplicate groups: a tight burst larger than the self-join k stays one group; distinct photos none', () => {
  const burst = Array.from({ length: 12 }, (_, i) => i * 0.5); // 12 shots within 5.5 degrees
  const groups = findDuplicateGroups(storeAtAngles([...burst, 90, 180]), null, 0.95);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.imageIds.length, 12, "completed from the neighbours of the centre's neighbours");
  assert.equal(groups[0]!.scores[0], 1);
  for (let i = 1; i < 12; i++) assert.ok(groups[0]!.scores[i]! <= groups[0]!.scores[i - 1]!, 'by score');
  assert.deepEqual(findDuplicateGroups(storeAtAngles([0, 90, 180, 270]), null, 0.8), []);
});

test('near-duplicate groups come largest first', () => {
  const groups = findDuplicateGroups(storeAtAngles([0, 1, 100, 101, 102, 200]), null, 0.99);
  assert.deepEqual(
    groups.map((group) => [...group.imageIds].sort()),
    [
      [102, 103, 104],
      [100, 101],
    ],
  );
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
