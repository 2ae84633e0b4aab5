import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topK, l2NormalizedRow } from '../../main/engine/inference/postprocess.js';

test('topK returns the k largest of the requested row, highest first', () => {
  const probs = new Float32Array([0.1, 0.2, 0.7, /* row 1 */ 0.5, 0.05, 0.45]);
  assert.deepEqual(
    topK(probs, 0, 3, 2).map((c) => c.index),
    [2, 1],
  );
  assert.deepEqual(
    topK(probs, 1, 3, 3).map((c) => c.index),
    [0, 2, 1],
  );
  assert.equal(topK(probs, 1, 3, 10).length, 3);
});

test('topK agrees with a full sort on random rows', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const row = new Float32Array(1000).map(() => random());
  const expected = [...row]
    .map((prob, index) => ({ index, prob }))
    .sort((a, b) => b.prob - a.prob || a.index - b.index)
    .slice(0, 5);
  assert.deepEqual(topK(row, 0, 1000, 5), expected);
});

test('l2NormalizedRow scales to unit length and leaves zero vectors alone', () => {
  const m = new Float32Array([3, 4, 0, 0]);
  assert.deepEqual([...l2NormalizedRow(m, 0, 2)], [0.6000000238418579, 0.800000011920929]);
  assert.deepEqual([...l2NormalizedRow(m, 1, 2)], [0, 0]);
  assert.deepEqual([...m], [3, 4, 0, 0], 'source matrix is not modified');
});
