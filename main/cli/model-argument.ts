/** Resolves `--model`: a path to a Fieldmark .onnx file, or a registry id of an installed model. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readModelMetadata } from '../zoo/model-file.js';
import { resolveModel } from '../zoo/resolve-model.js';
import type { ModelMetadata } from '../zoo/model-metadata.js';

export const DEFAULT_MODEL_ID = 'resnet50_8xb32_in1k';

export async function resolveModelArgument(value: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ path: string; metadata: ModelMetadata }> {
  const asPath = resolve(cwd, value);
  if (value.endsWith('.onnx') || existsSync(asPath)) {
    return { path: asPath, metadata: await readModelMetadata(asPath) };
  }
  return resolveModel(value, { env });
}
