/**
 * Per-tensor activation statistics gathered over the calibration images, and the three ways to
 * turn them into a quantization range:
 * - minmax: the observed minimum and maximum (no clipping; one outlier widens every step);
 * - percentile: the 0.01% / 99.99% quantiles (clips rare outliers);
 * - entropy: the clipping threshold that minimises the KL divergence between the observed
 *   distribution and its 8-bit quantized version (TensorRT's calibrator, Migacz, GTC 2017,
 *   "8-bit Inference with TensorRT").
 * Histograms are kept in one pass: each side of 0 has BINS bins over [0, range]; when a value
 * beyond the range arrives the range doubles and neighbouring bins merge.
 */
import { unreachable } from '../../util/errors.js';

export const CALIBRATION_METHODS = ['minmax', 'percentile', 'entropy'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

const BINS = 2048;
const PERCENTILE = 0.9999;

export class TensorStats {
  min = Infinity;
  max = -Infinity;
  private range = 0;
  private readonly positive = new Float64Array(BINS);
  private readonly negative = new Float64Array(BINS);

  constructor(private readonly histogram: boolean) {}

  add(values: Float32Array): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = Math.min(this.min, lo);
    this.max = Math.max(this.max, hi);
    if (!this.histogram) return;
    const needed = Math.max(Math.abs(lo), Math.abs(hi));
    if (this.range === 0) this.range = needed > 0 ? needed : 1;
    while (needed > this.range) this.doubleRange();
    const perUnit = BINS / this.range;
    const { positive, negative } = this;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i] as number;
      const side = v >= 0 ? positive : negative;
      const bin = Math.min(BINS - 1, Math.floor(Math.abs(v) * perUnit));
      side[bin] = (side[bin] as number) + 1;
    }
  }

  private doubleRange(): void {
    for (const side of [this.positive, this.negative]) {
      for (let i = 0; i < BINS / 2; i += 1) side[i] = (side[2 * i] as number) + (side[2 * i + 1] as number);
      side.fill(0, BINS / 2);
    }
    this.range *= 2;
  }

  /** The [min, max] to quantize to, by `method`. */
  rangeFor(method: CalibrationMethod): { min: number; max: number } {
    if (!Number.isFinite(this.min)) throw new RangeError('no calibration data was recorded for this tensor');
    switch (method) {
      case 'minmax':
        return { min: this.min, max: this.max };
      case 'percentile':
        return this.percentileRange();
      case 'entropy':
        return this.entropyRange();
      default:
        return unreachable(method);
    }
  }

  private percentileRange(): { min: number; max: number } {
    // The distribution as one ordered list of bins: negative side reversed, then positive.
    const ordered = [...Array.from(this.negative).reverse(), ...this.positive];
    const edge = (i: number): number => (i < BINS ? -(BINS - i) : i - BINS + 1) * (this.range / BINS);
    const total = ordered.reduce((a, b) => a + b, 0);
    let low = this.min;
    let high = this.max;
    let cumulative = 0;
    let lowFound = false;
    for (let i = 0; i < ordered.length; i += 1) {
      cumulative += ordered[i] as number;
      if (!lowFound && cumulative >= total * (1 - PERCENTILE)) {
        low = Math.max(this.min, edge(i));
        lowFound = true;
      }
      if (cumulative >= total * PERCENTILE) {
        high = Math.min(this.max, edge(i));
        break;
      }
    }
    return { min: Math.min(low, 0), max: Math.max(high, 0) };
  }

  private entropyRange(): { min: number; max: number } {
    const signed = this.min < 0;
    const histogram = signed ? this.positive.map((v, i) => v + (this.negative[i] as number)) : this.positive.slice();
    // Exact zeros (most of a ReLU output) are represented exactly at any threshold; left in, their
    // spike dominates the divergence and drags the threshold far into the tail's body.
    histogram[0] = 0;
    // uint8 over [0, T] has 255 steps when the tensor is non-negative, ~128 per side when signed.
    const levels = signed ? 128 : 255;
    const threshold = klThreshold(histogram, levels) * (this.range / BINS);
    return { min: signed ? Math.max(this.min, -threshold) : 0, max: Math.min(this.max, threshold) };
  }
}

/** The bin count i (levels <= i <= BINS) whose clipped, quantized histogram is closest in KL divergence. */
export function klThreshold(histogram: ArrayLike<number>, levels: number): number {
  const size = histogram.length;
  let lastNonZero = size - 1;
  while (lastNonZero > 0 && (histogram[lastNonZero] as number) === 0) lastNonZero -= 1;
  if (lastNonZero + 1 <= levels) return lastNonZero + 1;
  let best = lastNonZero + 1;
  let bestDivergence = Infinity;
  const step = Math.max(1, Math.floor(size / 256));
  for (let i = levels; i <= lastNonZero + 1; i += step) {
    const p = Array.from({ length: i }, (_, k) => histogram[k] as number);
    let outliers = 0;
    for (let k = i; k < size; k += 1) outliers += histogram[k] as number;
    p[i - 1] = (p[i - 1] as number) + outliers;
    // Quantize the first i bins into `levels` groups; spread each group's mass over its non-empty bins.
    const q = new Array<number>(i).fill(0);
    const perLevel = i / levels;
    for (let level = 0; level < levels; level += 1) {
      const start = Math.floor(level * perLevel);
      const end = level === levels - 1 ? i : Math.floor((level + 1) * perLevel);
      let mass = 0;
      let nonZero = 0;
      for (let k = start; k < end; k += 1) {
        mass += histogram[k] as number;
        if ((histogram[k] as number) > 0) nonZero += 1;
      }
      for (let k = start; k < end; k += 1) if ((histogram[k] as number) > 0) q[k] = mass / nonZero;
    }
    const pSum = p.reduce((a, b) => a + b, 0);
    const qSum = q.reduce((a, b) => a + b, 0);
    let divergence = 0;
    for (let k = 0; k < i; k += 1) {
      const pk = (p[k] as number) / pSum;
      const qk = (q[k] as number) / qSum;
      if (pk > 0) divergence += qk > 0 ? pk * Math.log(pk / qk) : pk * 20;
    }
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      best = i;
    }
  }
  return best;
}
