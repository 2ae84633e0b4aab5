/**
 * PIL Image.resize(size, BILINEAR or BICUBIC) on uint8 RGB, bit for bit as Pillow 9.x computes it
 * (src/libImaging/Resample.c), for the output pixels inside `region` only.
 *
 * Unlike cv2, Pillow widens the triangle filter by the scale factor when shrinking (support =
 * 1 * max(scale, 1)), so every source pixel under the footprint contributes: antialiased.
 * Two passes, horizontal then vertical, each rounding to uint8; weights are normalised doubles
 * turned into fixed point with PRECISION_BITS = 32 - 8 - 2 = 22.
 */
import type { Box, Size } from './geometry.js';
import type { RgbImage } from './rgb-image.js';

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);
const OVERFLOW = 256 << PRECISION_BITS;

interface Coefficients {
  /** First source index of each output position's footprint. */
  first: Int32Array;
  /** Footprint length of each output position. */
  count: Int32Array;
  /** Fixed-point weights, `kernelSize` per output position. */
  weights: Int32Array;
  kernelSize: number;
}

/** A Pillow resampling filter: its kernel and its support at scale 1. */
export interface PillowFilter {
  kernel: (x: number) => number;
  support: number;
}

export const PILLOW_BILINEAR: PillowFilter = {
  kernel: (x) => {
    const a = Math.abs(x);
    return a < 1 ? 1 - a : 0;
  },
  support: 1,
};

/** Pillow's BICUBIC (Keys' cubic with a = -0.5, support 2), used by the "ResNet strikes back" configs. */
export const PILLOW_BICUBIC: PillowFilter = {
  kernel: (x) => {
    const a = -0.5;
    const t = Math.abs(x);
    if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
    return 0;
  },
  support: 2,
};

/** precompute_coeffs + normalize_coeffs_8bpc for output positions start..start+count-1. */
export function pillowCoefficients(
  inSize: number,
  outSize: number,
  start: number,
  count: number,
  filter: PillowFilter = PILLOW_BILINEAR,
): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const inverseFilterScale = 1 / filterScale;
  const support = filter.support * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const coefficients: Coefficients = {
    first: new Int32Array(count),
    count: new Int32Array(count),
    weights: new Int32Array(count * kernelSize),
    kernelSize,
  };
  const raw = new Float64Array(kernelSize);
  for (let i = 0; i < count; i++) {
    const center = (start + i + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      // Pillow multiplies by the reciprocal (ss = 1.0 / filterscale); dividing could differ in the last bit.
      const w = filter.kernel((x + xmin - center + 0.5) * inverseFilterScale);
      raw[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const normalised = total !== 0 ? raw[x]! / total : raw[x]!;
      const fixed = normalised * (1 << PRECISION_BITS);
      coefficients.weights[i * kernelSize + x] = normalised < 0 ? Math.trunc(-0.5 + fixed) : Math.trunc(0.5 + fixed);
    }
    coefficients.first[i] = xmin;
    coefficients.count[i] = xmax;
  }
  return coefficients;
}

function clip8(sum: number): number {
  if (sum >= OVERFLOW) return 255;
  if (sum <= 0) return 0;
  return sum >> PRECISION_BITS;
}

/**
 * The pixels of `region` of PIL's resize(dst, BILINEAR) of `src`, as interleaved RGB.
 * An axis whose size does not change is not resampled (Pillow skips that pass).
 */
export function resizeRegionPillow(
  src: RgbImage,
  dst: Size,
  region: Box,
  filter: PillowFilter = PILLOW_BILINEAR,
): Uint8Array {
  const needHorizontal = dst.width !== src.width;
  const needVertical = dst.height !== src.height;
  const xc = needHorizontal ? pillowCoefficients(src.width, dst.width, region.x, region.width, filter) : null;
  const yc = needVertical ? pillowCoefficients(src.height, dst.height, region.y, region.height, filter) : null;

  // Source rows the vertical pass reads.
  const rowFirst = yc ? yc.first[0]! : region.y;
  const rowEnd = yc ? yc.first[region.height - 1]! + yc.count[region.height - 1]! : region.y + region.height;
  const rows = rowEnd - rowFirst;
  const rowBytes = region.width * 3;

  // Horizontal pass over the needed rows and region columns, rounded to uint8 as Pillow does.
  const temp = new Uint8Array(rows * rowBytes);
  const stride = src.width * 3;
  const data = src.data;
  if (!xc) {
    for (let r = 0; r < rows; r++) {
      const start = (rowFirst + r) * stride + region.x * 3;
      temp.set(data.subarray(start, start + rowBytes), r * rowBytes);
    }
  } else {
    const { first: xFirst, count: xCount, weights: xWeights, kernelSize: xKernel } = xc;
    for (let r = 0; r < rows; r++) {
      const srcRow = (rowFirst + r) * stride;
      let o = r * rowBytes;
      for (let col = 0; col < region.width; col++) {
        const n = xCount[col]!;
        const k = col * xKernel;
        let p = srcRow + xFirst[col]! * 3;
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (let x = 0; x < n; x++, p += 3) {
          const w = xWeights[k + x]!;
          // Int32 arithmetic, as in Pillow (its sums are C ints too).
          s0 = (s0 + Math.imul(data[p]!, w)) | 0;
          s1 = (s1 + Math.imul(data[p + 1]!, w)) | 0;
          s2 = (s2 + Math.imul(data[p + 2]!, w)) | 0;
        }
        temp[o++] = clip8(s0);
        temp[o++] = clip8(s1);
        temp[o++] = clip8(s2);
      }
    }
  }
  if (!yc) return temp;

  const out = new Uint8Array(region.height * rowBytes);
  // Row by row, tap by tap: reads `temp` sequentially (the sums are the same integers in any order).
  const sums = new Int32Array(rowBytes);
  for (let row = 0; row < region.height; row++) {
    const first = yc.first[row]! - rowFirst;
    const n = yc.count[row]!;
    const k = row * yc.kernelSize;
    sums.fill(HALF);
    for (let y = 0; y < n; y++) {
      const w = yc.weights[k + y]!;
      const base = (first + y) * rowBytes;
      for (let e = 0; e < rowBytes; e++) sums[e] = (sums[e]! + Math.imul(temp[base + e]!, w)) | 0;
    }
    const o = row * rowBytes;
    for (let e = 0; e < rowBytes; e++) out[o + e] = clip8(sums[e]!);
  }
  return out;
}
