/**
 * Runs a photo from outside the library through the model (decode, the model's preprocessing,
 * one inference) and returns its unit feature vector; nothing is written to the catalog.
 */
import { readFile } from 'node:fs/promises';
import { InferenceClient } from '../inference/inference-client.js';
import { l2NormalizedRow } from '../inference/postprocess.js';
import { prepareImage } from '../preprocess/index.js';
import { FieldmarkError } from '../../util/errors.js';
import type { ModelMetadata } from '../../zoo/onnx/model-metadata.js';

/**
 * @throws FieldmarkError ReadFailed for an unreadable file, the decoder's kinds for a bad image, ModelInvalid / InferenceFailed
 */
export async function embedImage(
  file: Buffer | string,
  model: { path: string; metadata: ModelMetadata },
  threads = 1,
): Promise<Float32Array> {
  let bytes: Buffer;
  try {
    bytes = typeof file === 'string' ? await readFile(file) : file;
  } catch (error) {
    throw new FieldmarkError(
      'ReadFailed',
      `cannot read ${String(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const spec = model.metadata.preprocess;
  const prepared = await prepareImage(bytes, spec);
  const client = await InferenceClient.start({
    modelPath: model.path,
    device: 'cpu',
    threads,
    inputHeight: spec.input.height,
    inputWidth: spec.input.width,
  });
  try {
    const output = await client.run(prepared.tensor, 1, spec.input.height, spec.input.width);
    return l2NormalizedRow(output.features, 0, client.featureDim);
  } finally {
    await client.close();
  }
}
