import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError } from '../../main/util/errors.js';
import {
  copyFeatureInto,
  decodeTopK,
  encodeFeature,
  encodeTopK,
  int,
  optStr,
  asRow,
  status,
} from '../../main/engine/catalog/rows.js';
import { checkId, checkOneOf, checkSha256, normalizeTakenAt } from '../../main/engine/catalog/validate.js';

const isKind = (kind: string) => (error: unknown) => error instanceof FieldmarkError && error.kind === kind;

test('top-k round-trips through its JSON column form', () => {
  const topk = [
    { index: 3, prob: 0.75 },
    { index: 0, prob: 0.125 },
  ];
  assert.equal(encodeTopK(topk), '[[3,0.75],[0,0.125]]');
  assert.deepEqual(decodeTopK(encodeTopK(topk)), topk);
});

test('decodeTopK rejects damaged columns as CatalogCorrupt', () => {
  assert.throws(() => decodeTopK('not json'), isKind('CatalogCorrupt'));
  assert.throws(() => decodeTopK('{"a":1}'), isKind('CatalogCorrupt'));
  assert.throws(() => decodeTopK('[[1]]'), isKind('CatalogCorrupt'));
  assert.throws(() => decodeTopK('[["1", 0.5]]'), isKind('CatalogCorrupt'));
});

test('feature vectors round-trip as float32 bytes, also from unaligned blobs', () => {
  const vector = new Float32Array([0.6, -0.8, 0, 1e-7]);
  const stored = encodeFeature(vector);
  assert.equal(stored.byteLength, 16);
  // A blob at an odd offset inside a larger buffer, as SQLite may hand it back.
  const unaligned = Buffer.alloc(17).subarray(1);
  stored.copy(unaligned);
  const matrix = new Float32Array(8);
  copyFeatureInto(unaligned, 4, matrix, 4);
  assert.deepEqual([...matrix.subarray(4)], [...vector]);
  assert.deepEqual([...matrix.subarray(0, 4)], [0, 0, 0, 0]);
  assert.throws(() => copyFeatureInto(stored, 5, matrix, 0), isKind('CatalogCorrupt'));
});

test('row accessors name the column and the received value', () => {
  const row = asRow({ n: 1.5, s: 'x', st: 'weird' }, 'test');
  assert.throws(() => int(row, 'n'), /column n: expected an integer but received 1.5 \(number\)/);
  assert.equal(optStr(row, 's'), 'x');
  assert.throws(() => status(row, 'st'), isKind('CatalogCorrupt'));
  assert.throws(() => asRow(undefined, 'images'), isKind('CatalogCorrupt'));
});

test('argument checks say what was expected and what was received', () => {
  assert.equal(checkId('imageId', 3), 3);
  assert.throws(() => checkId('imageId', 0), /imageId: expected a positive integer id but received 0 \(number\)/);
  assert.throws(() => checkId('imageId', '3'), isKind('InvalidArgument'));
  assert.throws(
    () => checkOneOf('sort', 'size', ['name', 'date'] as const),
    /sort: expected one of "name", "date" but received "size"/,
  );
  assert.throws(() => checkSha256('fingerprint', 'ABC'), isKind('InvalidArgument'));
  assert.equal(checkSha256('fingerprint', 'a'.repeat(64)), 'a'.repeat(64));
});

test('normalizeTakenAt turns EXIF dates into sortable ISO text', () => {
  assert.equal(normalizeTakenAt('2019:07:04 18:30:05'), '2019-07-04T18:30:05');
  assert.equal(normalizeTakenAt('2019:07:04 18:30:05.25'), '2019-07-04T18:30:05.25');
  assert.equal(normalizeTakenAt('2019-07-04T18:30:05'), '2019-07-04T18:30:05');
  assert.equal(normalizeTakenAt('  '), null);
  assert.equal(normalizeTakenAt(null), null);
});
