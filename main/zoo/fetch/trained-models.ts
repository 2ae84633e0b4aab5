/**
 * The models the app trained from a user's labels (issue 10): model files under
 * `<models cache>/trained/`, whose metadata carries how they were trained.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { modelsCacheDir } from './model-cache.js';
import type { ModelMetadata } from '../onnx/model-metadata.js';
import { readModelMetadata } from '../onnx/model-file.js';

/** Where the app writes trained models. */
export function trainedModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsCacheDir(env), 'trained');
}

/** Trained models in the cache, by file name; unreadable files are left out with a warning. */
export async function listTrainedModels(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; metadata: ModelMetadata }[]> {
  const dir = trainedModelsDir(env);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.onnx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: { path: string; metadata: ModelMetadata }[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    const metadata = await readModelMetadata(path).catch((error: unknown) => {
      process.emitWarning(`skipping ${path} in the model list: ${(error as Error).message}`);
      return null;
    });
    if (metadata?.training) found.push({ path, metadata });
  }
  return found;
}
