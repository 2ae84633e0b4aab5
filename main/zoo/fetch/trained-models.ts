/**
 * The models the app trained from a user's labels (issue 10): model files under
 * `<models cache>/trained/`, whose metadata carries how they were trained.
 */
import { join } from 'node:path';
import { modelsCacheDir } from './model-cache.js';
import type { ModelMetadata } from '../onnx/model-metadata.js';
import { readModelsIn } from '../onnx/model-file.js';

/** Where the app writes trained models. */
export function trainedModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsCacheDir(env), 'trained');
}

/** Trained models in the cache, by file name; unreadable files are left out with a warning. */
export async function listTrainedModels(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; metadata: ModelMetadata }[]> {
  const models = await readModelsIn(trainedModelsDir(env));
  return models.filter(({ metadata }) => metadata.training).map(({ path, metadata }) => ({ path, metadata }));
}
