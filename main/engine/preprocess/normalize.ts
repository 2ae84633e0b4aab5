/**
 * ClsDataPreprocessor: uint8 RGB (HWC) -> float32 CHW, (x - mean) / std with mean/std on the
 * 0-255 scale in RGB order (mmpretrain configs; the image is already RGB here, so to_rgb is done).
 */

import { FieldmarkError, describeValue } from '../../util/errors.js';

/** Checks mean/std: three finite numbers each, std > 0 (a zero std would give Infinity). @throws FieldmarkError InvalidArgument */
export function assertNormalisation(mean: unknown, std: unknown): void {
  for (const [name, values] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (
      !Array.isArray(values) ||
      values.length !== 3 ||
      !values.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new FieldmarkError(
        'InvalidArgument',
        `expected ${name} to be 3 finite numbers (RGB, 0-255 scale) but received ${describeValue(values)}`,
      );
    }
  }
  const bad = (std as number[]).find((v) => v <= 0);
  if (bad !== undefined)
    throw new FieldmarkError(
      'InvalidArgument',
      `expected every std value to be above 0 but received ${describeValue(bad)}`,
    );
}

/** Normalises interleaved RGB pixels into a new CHW Float32Array. */
export function normalizeToChw(
  pixels: Uint8Array,
  width: number,
  height: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): Float32Array {
  const plane = width * height;
  const tensor = new Float32Array(3 * plane);
  // One lookup table per channel: 256 values, computed in double and stored once as float32,
  // the same numbers as numpy's float32 (x - mean) / std up to the last bit.
  const tables = [0, 1, 2].map((c) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = (v - mean[c]!) / std[c]!;
    return table;
  });
  const [r, g, b] = tables as [Float32Array, Float32Array, Float32Array];
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    tensor[i] = r[pixels[p]!]!;
    tensor[plane + i] = g[pixels[p + 1]!]!;
    tensor[2 * plane + i] = b[pixels[p + 2]!]!;
  }
  return tensor;
}
