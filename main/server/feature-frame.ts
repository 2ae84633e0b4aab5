/** Encodes a feature batch as the binary WebSocket frame described in contract/events.ts. */
import { FEATURE_FRAME_HEADER_BYTES, FEATURE_FRAME_MAGIC, type FeatureBatch } from '../contract/events.js';
import { FieldmarkError } from '../util/errors.js';

/** @throws FieldmarkError InvalidArgument when the vectors do not hold ids × dim floats */
export function encodeFeatureFrame(batch: FeatureBatch): Buffer {
  const count = batch.imageIds.length;
  if (batch.vectors.length !== count * batch.dim) {
    throw new FieldmarkError(
      'InvalidArgument',
      `feature batch: expected ${count} x ${batch.dim} = ${count * batch.dim} floats, received ${batch.vectors.length}`,
    );
  }
  const idsBytes = count * 4;
  const frame = Buffer.alloc(FEATURE_FRAME_HEADER_BYTES + idsBytes + batch.vectors.byteLength);
  frame.writeUInt32LE(FEATURE_FRAME_MAGIC, 0);
  frame.writeUInt32LE(count, 4);
  frame.writeUInt32LE(batch.dim, 8);
  frame.writeUInt32LE(0, 12);
  batch.imageIds.forEach((id, i) => frame.writeUInt32LE(id, FEATURE_FRAME_HEADER_BYTES + i * 4));
  const floats = Buffer.from(batch.vectors.buffer, batch.vectors.byteOffset, batch.vectors.byteLength);
  if (new Uint8Array(new Float32Array([1]).buffer)[3] !== 0x3f)
    throw new FieldmarkError('Internal', 'feature frames assume a little-endian machine');
  floats.copy(frame, FEATURE_FRAME_HEADER_BYTES + idsBytes);
  return frame;
}
