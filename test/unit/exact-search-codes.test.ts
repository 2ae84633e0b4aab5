/**
 * Exact search through the int8 codes must give the float32 answer, not an approximation: the
 * same ids in the same order with the float scores, on clustered vectors (many close neighbours,
 * where int8 rounding reorders candidates), with a filter, and on a dense near-duplicate cluster
 * where the bound cannot prove the prescan and the search falls back to the float scan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureStore } from '../../main/engine/similarity/feature-store.js';
import { exactNeighbours } from '../../main/engine/similarity/exact-search.js';
import { mulberry32 } from '../../main/util/seeded-random.js';

const DIM = 96;

/** `rows` unit vectors around `clusters` random centres, `spread` apart from their centre. */
function clustered(rows: number, clusters: number, spread: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: DIM }, () => Math.abs(gauss())));
  const out = new Float32Array(rows * DIM);
  for (let r = 0; r < rows; r++) {
    const centre = centres[r % clusters]!;
    let norm = 0;
    for (let j = 0; j < DIM; j++) {
      const v = Math.max(0, centre[j]! + spread * gauss()); // non-negative, like pooled ReLU features
      out[r * DIM + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < DIM; j++) out[r * DIM + j]! /= Math.sqrt(norm) || 1;
  }
  return out;
}

function storesOf(vectors: Float32Array): { plain: FeatureStore; coded: FeatureStore } {
  const ids = Array.from({ length: vectors.length / DIM }, (_, i) => 1000 + i);
  const plain = FeatureStore.from(ids, DIM, vectors);
  const coded = FeatureStore.from(ids, DIM, vectors);
  coded.enableCodes();
  return { plain, coded };
}

function assertSameAnswers(
  plain: FeatureStore,
  coded: FeatureStore,
  k: number,
  admit: ((id: number) => boolean) | null,
) {
  const n = plain.size;
  for (let q = 0; q < 40; q++) {
    const row = (q * 131) % n;
    const query = plain.vectors.slice(row * DIM, (row + 1) * DIM);
    const expected = exactNeighbours(plain, query, k, admit);
    const got = exactNeighbours(coded, query, k, admit);
    assert.equal(got.length, expected.length);
    // The same k scores (float32 rounding may order exact ties differently, so ids are compared
    // wherever the score is not tied with a neighbour's).
    for (let i = 0; i < expected.length; i++) {
      assert.ok(
        Math.abs(got[i]!.score - expected[i]!.score) < 1e-6,
        `query row ${row}, rank ${i}: int8 path ${got[i]!.score} vs float ${expected[i]!.score}`,
      );
      const tied = expected.some((other, j) => j !== i && Math.abs(other.score - expected[i]!.score) < 1e-6);
      const beyond = exactNeighbours(plain, query, k + 1, admit)[k];
      if (!tied && !(beyond && Math.abs(beyond.score - expected[i]!.score) < 1e-6))
        assert.equal(got[i]!.imageId, expected[i]!.imageId, `query row ${row}, rank ${i}`);
    }
  }
}

test('exact search through int8 codes returns the float32 answer on clustered vectors', () => {
  const { plain, coded } = storesOf(clustered(6000, 40, 0.35, 7));
  assert.ok(coded.codes!.errorMax > 0, 'the codes carry a rounding error bound');
  assertSameAnswers(plain, coded, 10, null);
  assertSameAnswers(plain, coded, 25, (id) => id % 3 === 0);
});

test('a dense near-duplicate cluster that the bound cannot prove falls back to the exact float scan', () => {
  const { plain, coded } = storesOf(clustered(5000, 1, 0.02, 11));
  assertSameAnswers(plain, coded, 10, null);
});
