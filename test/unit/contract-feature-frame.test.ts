import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_FRAME_HEADER_BYTES, FEATURE_FRAME_MAGIC } from '../../main/contract/events.js';
import { encodeFeatureFrame } from '../../main/server/feature-frame.js';
import { FieldmarkError } from '../../main/util/errors.js';

describe('feature batch frames', () => {
  it('lays out header, ids and float32 vectors as the contract documents', () => {
    const vectors = new Float32Array([0.5, -1, 2.25, 3, 0.125, -0.75]);
    const frame = encodeFeatureFrame({ imageIds: [7, 4_000_000_000], dim: 3, vectors });
    assert.equal(frame.length, FEATURE_FRAME_HEADER_BYTES + 2 * 4 + 6 * 4);
    assert.equal(frame.readUInt32LE(0), FEATURE_FRAME_MAGIC);
    assert.equal(frame.subarray(0, 4).toString('latin1'), 'FMF1');
    assert.equal(frame.readUInt32LE(4), 2);
    assert.equal(frame.readUInt32LE(8), 3);
    assert.equal(frame.readUInt32LE(12), 0);
    assert.equal(frame.readUInt32LE(16), 7);
    assert.equal(frame.readUInt32LE(20), 4_000_000_000);
    const copy = new Uint8Array(frame).buffer; // aligned, as a browser's ArrayBuffer would be
    assert.deepEqual(Array.from(new Float32Array(copy, 24, 6)), Array.from(vectors));
  });

  it('encodes an empty batch as a bare header', () => {
    const frame = encodeFeatureFrame({ imageIds: [], dim: 512, vectors: new Float32Array(0) });
    assert.equal(frame.length, FEATURE_FRAME_HEADER_BYTES);
    assert.equal(frame.readUInt32LE(8), 512);
  });

  it('encodes a view into a larger buffer without its neighbours', () => {
    const backing = new Float32Array([9, 9, 1, 2, 9]);
    const frame = encodeFeatureFrame({ imageIds: [1], dim: 2, vectors: backing.subarray(2, 4) });
    assert.deepEqual(Array.from(new Float32Array(new Uint8Array(frame).buffer, 20, 2)), [1, 2]);
  });

  it('refuses vectors that do not match ids x dim', () => {
    assert.throws(
      () => encodeFeatureFrame({ imageIds: [1, 2], dim: 4, vectors: new Float32Array(7) }),
      (error: unknown) =>
        error instanceof FieldmarkError &&
        error.kind === 'InvalidArgument' &&
        /expected 2 x 4 = 8 floats, received 7/.test(error.message),
    );
  });
});
