/**
 * Calibration: the float model is run on the calibration images with every tensor the
 * quantizer needs a range for exposed as an extra output, and each tensor's values feed a
 * TensorStats. The model is changed in memory only (the session is created from its bytes).
 */
import { MODEL_INPUT_NAME } from '../onnx/model-metadata.js';
import { encodeModel, type OnnxModel } from '../onnx/onnx-writer.js';
import { addChannelMeans, biasCorrectionInputs } from './bias-correction.js';
import { TensorStats, type CalibrationMethod } from './calibration-stats.js';
import type { QdqPlan } from './qdq-graph.js';
import { batchTensor, createCpuSession } from './session.js';

const CALIBRATION_BATCH = 4;

export interface Calibration {
  ranges: Map<string, { min: number; max: number }>;
  /** Per-channel means of each Conv/Gemm input (for bias correction). */
  inputMeans: Map<string, Float64Array>;
}

/**
 * Activation ranges by `method` for the plan's calibrated tensors and the graph input, and the
 * channel means of the Conv/Gemm inputs. `onBatch` gets the number of images done so far.
 */
export async function calibrateRanges(
  model: OnnxModel,
  plan: QdqPlan,
  images: Float32Array[],
  input: { height: number; width: number },
  method: CalibrationMethod,
  onBatch?: (done: number) => void,
): Promise<Calibration> {
  const existing = new Set(model.outputs.map((o) => o.name));
  const meanTensors = biasCorrectionInputs(model);
  const wanted = [...new Set([...plan.calibratedTensors, ...meanTensors.filter((t) => t !== MODEL_INPUT_NAME)])];
  const extra = wanted.filter((t) => !existing.has(t));
  const exposed: OnnxModel = {
    ...model,
    outputs: [...model.outputs, ...extra.map((name) => ({ name, elemType: 'float32' as const, shape: null }))],
  };
  const session = await createCpuSession(encodeModel(exposed).toBytes());
  const histogram = method !== 'minmax';
  const stats = new Map(plan.calibratedTensors.map((t) => [t, new TensorStats(histogram)]));
  const inputStats = new TensorStats(histogram);
  const sums = new Map<string, Float64Array>();
  const accumulate = (name: string, values: Float32Array, batch: number, channels: number): void => {
    const sum = sums.get(name) ?? new Float64Array(channels);
    addChannelMeans(sum, values, batch);
    sums.set(name, sum);
  };
  try {
    for (let start = 0; start < images.length; start += CALIBRATION_BATCH) {
      const chunk = images.slice(start, start + CALIBRATION_BATCH);
      for (const image of chunk) inputStats.add(image);
      const result = await session.run({ [MODEL_INPUT_NAME]: batchTensor(chunk, input.height, input.width) }, wanted);
      for (const name of wanted) {
        const value = result[name];
        if (!value) continue;
        stats.get(name)?.add(value.data as Float32Array);
        if (meanTensors.includes(name))
          accumulate(name, value.data as Float32Array, chunk.length, value.dims[1] as number);
      }
      if (meanTensors.includes(MODEL_INPUT_NAME)) for (const image of chunk) accumulate(MODEL_INPUT_NAME, image, 1, 3);
      onBatch?.(start + chunk.length);
    }
  } finally {
    await session.release();
  }
  const ranges = new Map<string, { min: number; max: number }>();
  for (const [name, s] of stats) ranges.set(name, s.rangeFor(method));
  // The input is never clipped: it is the normalised image, whose range the preprocessing fixes.
  ranges.set(MODEL_INPUT_NAME, inputStats.rangeFor('minmax'));
  for (const sum of sums.values()) for (let c = 0; c < sum.length; c += 1) sum[c] = (sum[c] as number) / images.length;
  return { ranges, inputMeans: sums };
}
