/**
 * The model provider the app uses outside tests: a file path is read directly; anything else is
 * looked up in the model registry (models/registry.json) once the zoo provides it.
 */
import { resolve } from 'node:path';
import type { ModelSummary } from '../contract/types.js';
import { FieldmarkError } from '../util/errors.js';
import { resolveModelFile, summarizeModel, type ModelProvider, type ResolvedModel } from './model-resolver.js';

export function defaultModelProvider(options: { cwd: string; env: NodeJS.ProcessEnv }): ModelProvider {
  const seen = new Map<string, ModelSummary>();
  return {
    async resolve(idOrPath): Promise<ResolvedModel> {
      if (idOrPath === null) throw new FieldmarkError('ModelMissing', 'no model chosen: expected --model or a model in the settings, received none');
      const model = await resolveModelFile(resolve(options.cwd, idOrPath));
      seen.set(model.path, summarizeModel(model));
      return model;
    },
    async list() {
      return [...seen.values()];
    },
  };
}
