/**
 * Writes a ResNet as a self-describing Fieldmark model file: the ONNX graph plus its metadata
 * (the `fieldmark` JSON and a few plain keys that generic ONNX viewers show).
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { METADATA_KEY, type ModelMetadata } from '../onnx/model-metadata.js';
import { writeOnnxModel } from '../onnx/onnx-writer.js';
import { buildResNetGraph } from './resnet-onnx.js';
import type { ResNetSpec } from './resnet-spec.js';
import type { ResNetWeights } from './resnet-weights.js';

/** metadata_props of a model file: the full JSON under `fieldmark`, and a readable summary. */
export function metadataProps(metadata: ModelMetadata): Record<string, string> {
  return {
    [METADATA_KEY]: JSON.stringify(metadata),
    architecture: metadata.architecture,
    label_set: metadata.labelSet,
    trained: String(metadata.trained),
  };
}

/**
 * Builds the graph and writes it to `outPath` (through a temporary file, so a crash never leaves
 * a half-written model under the final name). Returns the file size in bytes.
 */
export async function writeResNetModelFile(
  spec: ResNetSpec,
  weights: ResNetWeights,
  metadata: ModelMetadata,
  outPath: string,
  options: { exposeLogits?: boolean } = {},
): Promise<number> {
  const model = buildResNetGraph(spec, weights, {
    inputHeight: metadata.preprocess.input.height,
    inputWidth: metadata.preprocess.input.width,
    metadata: metadataProps(metadata),
    graphName: metadata.id,
    exposeLogits: options.exposeLogits === true,
  });
  await mkdir(dirname(outPath), { recursive: true });
  const temporary = `${outPath}.partial-${process.pid}`;
  try {
    const bytes = await writeOnnxModel(model, temporary);
    await rename(temporary, outPath);
    return bytes;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
