/**
 * The int8 models made on this machine: every model file in the models cache whose metadata
 * says it was quantized (the registry lists only downloadable float models).
 */
import { modelsCacheDir } from '../fetch/model-cache.js';
import type { ModelMetadata, QuantizationInfo } from '../onnx/model-metadata.js';
import { readModelsIn } from '../onnx/model-file.js';

export interface LocalInt8Model {
  id: string;
  path: string;
  metadata: ModelMetadata;
  quantization: QuantizationInfo;
}

/** Int8 models in the cache folder, by id; files that are not readable models are left out (they are not ours to judge here). */
export async function listInt8Models(
  options: { env?: NodeJS.ProcessEnv; cacheDir?: string } = {},
): Promise<LocalInt8Model[]> {
  const models = await readModelsIn(options.cacheDir ?? modelsCacheDir(options.env ?? process.env));
  return models.flatMap(({ name, path, metadata }) =>
    metadata.quantization
      ? [{ id: name.slice(0, -'.onnx'.length), path, metadata, quantization: metadata.quantization }]
      : [],
  );
}

/** "99.6% agreement, |dp| 0.004, 2.7x faster here" for lists and logs. */
export function describeInt8(q: QuantizationInfo): string {
  const speed = q.speedup === null ? 'speed not measured' : `${q.speedup.toFixed(2)}x faster here`;
  return `int8 (${q.method}), ${(q.top1Agreement * 100).toFixed(2)}% top-1 agreement, mean |dp| ${q.meanAbsDeltaTop1.toFixed(4)}, ${speed}`;
}
