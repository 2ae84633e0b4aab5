/**
 * cv2.resize(INTER_LINEAR) on uint8 RGB, bit for bit as OpenCV 4.x computes it on x86 (the
 * reference data was made with OpenCV 4.6.0), but only for the output pixels inside `region`
 * (the centre crop), so a 256-short-edge resize followed by a 224 crop touches 224x224 pixels.
 *
 * What OpenCV does (modules/imgproc/src/resize.cpp):
 * - an exact 2x downscale on both axes is turned into INTER_AREA "fast": (a+b+c+d+2)>>2;
 * - otherwise half-pixel centres, fx = (float)((dx+0.5)*scale-0.5), NO antialiasing;
 *   weights are float, then fixed point with INTER_RESIZE_COEF_BITS=11 (round half to even);
 * - horizontal pass into int (exact), vertical pass back to uint8. The vertical pass is SIMD
 *   for most of a row and its rounding differs from the scalar tail: SIMD computes
 *   ((h0>>4)*b0>>16) + ((h1>>4)*b1>>16), then (+2)>>2; scalar computes (h0*b0+h1*b1+2^21)>>22.
 */
import type { Box, Size } from './geometry.js';
import { extractBox, type RgbImage } from './rgb-image.js';

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;
/** 128-bit SIMD (SSE baseline of distribution builds): 16 uint8 lanes, then 8 int16 lanes. */
const SIMD_U8_LANES = 16;
const SIMD_I16_LANES = 8;

/** Rounds like cvRound/lrint on a float: nearest, ties to even. */
function roundTiesEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

interface AxisTaps {
  /** First source index (pixel, not element) for each output position of the region. */
  index0: Int32Array;
  index1: Int32Array;
  weight0: Int32Array;
  weight1: Int32Array;
}

/**
 * OpenCV's coefficient table for one axis; `clampWeights` is true for x (OpenCV zeroes fx at the
 * borders) and false for y (it keeps fy and clips the row indices instead).
 */
function linearTaps(srcSize: number, dstSize: number, start: number, count: number, clampWeights: boolean): AxisTaps {
  // hal::resize: inv_scale = (double)dsize/ssize; scale = 1./inv_scale (not ssize/dsize: the
  // two can differ in the last bit).
  const scale = 1 / (dstSize / srcSize);
  const taps: AxisTaps = {
    index0: new Int32Array(count),
    index1: new Int32Array(count),
    weight0: new Int32Array(count),
    weight1: new Int32Array(count),
  };
  for (let i = 0; i < count; i++) {
    const d = start + i;
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    let s1 = s + 1;
    if (clampWeights) {
      if (s < 0) {
        f = 0;
        s = 0;
        s1 = 0;
      }
      if (s + 1 >= srcSize) {
        f = 0;
        s = Math.min(s, srcSize - 1);
        s1 = s;
      }
    } else {
      s1 = Math.min(Math.max(s + 1, 0), srcSize - 1);
      s = Math.min(Math.max(s, 0), srcSize - 1);
    }
    taps.index0[i] = s;
    taps.index1[i] = s1;
    taps.weight0[i] = roundTiesEven(Math.fround(1 - f) * COEF_SCALE);
    taps.weight1[i] = roundTiesEven(f * COEF_SCALE);
  }
  return taps;
}

/** Index of the first element of a row of `rowElements` that OpenCV's vertical pass computes in scalar code. */
export function simdRowEnd(rowElements: number): number {
  let x = 0;
  while (x <= rowElements - SIMD_U8_LANES) x += SIMD_U8_LANES;
  while (x <= rowElements - SIMD_I16_LANES) x += SIMD_I16_LANES;
  return x;
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/** The exact 2x downscale (INTER_AREA fast path): rounded mean of each 2x2 block. */
function halveRegion(src: RgbImage, region: Box): Uint8Array {
  const out = new Uint8Array(region.width * region.height * 3);
  const stride = src.width * 3;
  let o = 0;
  for (let row = 0; row < region.height; row++) {
    const top = (region.y + row) * 2 * stride;
    const bottom = top + stride;
    for (let col = 0; col < region.width; col++) {
      const left = (region.x + col) * 6;
      for (let c = 0; c < 3; c++) {
        const i = left + c;
        out[o++] =
          (src.data[top + i]! + src.data[top + i + 3]! + src.data[bottom + i]! + src.data[bottom + i + 3]! + 2) >> 2;
      }
    }
  }
  return out;
}

/**
 * The pixels of `region` of cv2.resize(src, dst, interpolation=INTER_LINEAR), as interleaved RGB.
 * `region` must lie inside `dst`. When `dst` equals the source size OpenCV copies.
 */
export function resizeRegionCv2(src: RgbImage, dst: Size, region: Box): Uint8Array {
  if (dst.width === src.width && dst.height === src.height) return extractBox(src, region).data;
  if (src.width === dst.width * 2 && src.height === dst.height * 2) return halveRegion(src, region);

  const xt = linearTaps(src.width, dst.width, region.x, region.width, true);
  const yt = linearTaps(src.height, dst.height, region.y, region.height, false);
  const rowElements = dst.width * 3;
  const scalarFrom = simdRowEnd(rowElements);
  const stride = src.width * 3;
  const data = src.data;
  const out = new Uint8Array(region.width * region.height * 3);
  let o = 0;
  for (let row = 0; row < region.height; row++) {
    const r0 = yt.index0[row]! * stride;
    const r1 = yt.index1[row]! * stride;
    const b0 = yt.weight0[row]!;
    const b1 = yt.weight1[row]!;
    for (let col = 0; col < region.width; col++) {
      const c0 = xt.index0[col]! * 3;
      const c1 = xt.index1[col]! * 3;
      const a0 = xt.weight0[col]!;
      const a1 = xt.weight1[col]!;
      const element = (region.x + col) * 3;
      for (let c = 0; c < 3; c++) {
        // Horizontal pass: exact integer sums (same in SIMD and scalar code).
        const h0 = data[r0 + c0 + c]! * a0 + data[r0 + c1 + c]! * a1;
        const h1 = data[r1 + c0 + c]! * a0 + data[r1 + c1 + c]! * a1;
        let value: number;
        if (element + c < scalarFrom) {
          const t0 = ((h0 >> 4) * b0) >> 16;
          const t1 = ((h1 >> 4) * b1) >> 16;
          value = (t0 + t1 + 2) >> 2;
        } else {
          value = (h0 * b0 + h1 * b1 + (1 << 21)) >> 22;
        }
        out[o++] = clampByte(value);
      }
    }
  }
  return out;
}
