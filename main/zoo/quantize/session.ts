/**
 * onnxruntime CPU sessions for the quantizer (calibration, the accuracy check and the speed
 * measurement), with the options the inference worker uses so measured speed is what classify gets.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';

export type Session = ort.InferenceSession;

/** A CPU session on a model file path or its bytes. */
export async function createCpuSession(
  model: string | Uint8Array,
  extra: ort.InferenceSession.SessionOptions = {},
): Promise<Session> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    ...extra,
  };
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

/** Concatenates per-image CHW tensors into one NCHW batch tensor. */
export function batchTensor(images: Float32Array[], height: number, width: number): ort.Tensor {
  const size = 3 * height * width;
  const data = new Float32Array(images.length * size);
  images.forEach((image, i) => data.set(image, i * size));
  return new ort.Tensor('float32', data, [images.length, 3, height, width]);
}

/** Runs `session` on a batch and returns the float outputs named in `names`. */
export async function runBatch(
  session: Session,
  inputName: string,
  batch: ort.Tensor,
  names: string[],
): Promise<Map<string, Float32Array>> {
  const result = await session.run({ [inputName]: batch }, names);
  const out = new Map<string, Float32Array>();
  for (const name of names) {
    const value = result[name];
    if (value) out.set(name, value.data as Float32Array);
  }
  return out;
}
