/**
 * The arithmetic of 8-bit quantization as ONNX QuantizeLinear defines it:
 * q = saturate(round_half_even(x / scale) + zero_point), x' = (q - zero_point) * scale.
 * Weights: int8, symmetric (zero point 0), one scale per output channel, range [-127, 127] so
 * that negation stays exact. Activations: uint8 per tensor, affine, the range widened to hold 0
 * exactly (zero padding and ReLU must be representable without error).
 */

export interface ActivationParams {
  scale: number;
  zeroPoint: number;
}

export interface PerChannelWeights {
  values: Int8Array;
  scales: Float32Array;
}

/** Round half to even, as QuantizeLinear does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** uint8 scale and zero point for the range [min, max] (0 is always included). */
export function activationParams(min: number, max: number): ActivationParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  // A tensor that is always 0 still needs a positive scale; any value quantizes it exactly.
  const scale = hi - lo > 0 ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.min(255, Math.max(0, roundHalfEven(-lo / scale)));
  return { scale: Math.fround(scale), zeroPoint };
}

/**
 * Per-output-channel symmetric int8 quantization of a weight whose first axis is the output
 * channel (Conv [O, I, kh, kw]; Gemm with transB=1 [N, K]).
 */
export function quantizeWeightsPerChannel(weights: Float32Array, outChannels: number): PerChannelWeights {
  const perChannel = weights.length / outChannels;
  if (!Number.isInteger(perChannel))
    throw new RangeError(`weights: ${weights.length} values do not split into ${outChannels} channels`);
  const values = new Int8Array(weights.length);
  const scales = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o += 1) {
    const start = o * perChannel;
    let maxAbs = 0;
    for (let i = start; i < start + perChannel; i += 1) maxAbs = Math.max(maxAbs, Math.abs(weights[i] as number));
    const scale = maxAbs > 0 ? Math.fround(maxAbs / 127) : 1;
    scales[o] = scale;
    for (let i = start; i < start + perChannel; i += 1) {
      values[i] = Math.max(-127, Math.min(127, roundHalfEven((weights[i] as number) / scale)));
    }
  }
  return { values, scales };
}

/** int32 bias with scale input_scale * weight_scale[o] (what QLinearConv adds to its accumulator). */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: Float32Array,
): { values: Int32Array; scales: Float32Array } {
  const values = new Int32Array(bias.length);
  const scales = new Float32Array(bias.length);
  for (let o = 0; o < bias.length; o += 1) {
    const scale = Math.fround(inputScale * (weightScales[o] as number));
    scales[o] = scale;
    values[o] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfEven((bias[o] as number) / scale)));
  }
  return { values, scales };
}
