/** Decodes the binary feature-batch frame of the WebSocket (layout in main/contract/events.ts). */
import type { FeatureBatch } from '../../main/contract/events.js';

// Duplicated from the contract on purpose: the renderer imports only types from it.
const FEATURE_FRAME_MAGIC = 0x31464d46;
const HEADER_BYTES = 16;

/** The batch in `buffer`, or a description of what is wrong with it. */
export function decodeFeatureFrame(buffer: ArrayBuffer): FeatureBatch | string {
  if (buffer.byteLength < HEADER_BYTES)
    return `feature frame: expected at least ${HEADER_BYTES} bytes, received ${buffer.byteLength}`;
  const view = new DataView(buffer);
  const magic = view.getUint32(0, true);
  if (magic !== FEATURE_FRAME_MAGIC)
    return `feature frame: expected magic 0x${FEATURE_FRAME_MAGIC.toString(16)}, received 0x${magic.toString(16)}`;
  const count = view.getUint32(4, true);
  const dim = view.getUint32(8, true);
  const expected = HEADER_BYTES + count * 4 + count * dim * 4;
  if (buffer.byteLength !== expected)
    return `feature frame: expected ${expected} bytes for ${count} x ${dim}, received ${buffer.byteLength}`;
  const imageIds = Array.from(new Uint32Array(buffer, HEADER_BYTES, count));
  const vectors = new Float32Array(buffer, HEADER_BYTES + count * 4, count * dim);
  return { imageIds, dim, vectors };
}
