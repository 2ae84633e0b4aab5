/**
 * The model provider the app uses: a file path is read directly; anything else is a registry id
 * (models/registry.json), installed in the model cache by `fieldmark models download`. With no
 * choice at all, the registry's default model is used.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ModelSummary } from '../contract/types.js';
import { installedModelPath, modelsCacheDir } from '../zoo/fetch/model-cache.js';
import { loadRegistry } from '../zoo/fetch/registry.js';
import { resolveModel } from '../zoo/fetch/resolve-model.js';
import { listInt8Models } from '../zoo/quantize/local-int8-models.js';
import { listTrainedModels } from '../zoo/fetch/trained-models.js';
import { summarizeModel, type ModelProvider, type ResolvedModel } from './model-resolver.js';

export function defaultModelProvider(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}): ModelProvider {
  const seenFiles = new Map<string, ModelSummary>();
  const looksLikePath = (value: string) =>
    value.toLowerCase().endsWith('.onnx') || isAbsolute(value) || value.includes('/') || value.includes('\\');
  return {
    async resolve(idOrPath): Promise<ResolvedModel> {
      const wanted = idOrPath ?? (await loadRegistry(options.env)).defaultModel;
      if (looksLikePath(wanted) || existsSync(resolve(options.cwd, wanted))) {
        const model = await resolveModel(resolve(options.cwd, wanted), { env: options.env });
        const resolved: ResolvedModel = { ...model, source: 'file' };
        seenFiles.set(resolved.path, summarizeModel(resolved));
        return resolved;
      }
      return { ...(await resolveModel(wanted, { env: options.env })), source: 'registry' };
    },
    async list() {
      let registry;
      try {
        registry = await loadRegistry(options.env);
      } catch (error) {
        // Without a readable registry, the models opened from files are still a valid choice.
        options.log?.(`fieldmark: the model registry is unavailable: ${(error as Error).message}`);
        return [...seenFiles.values()];
      }
      const cacheDir = modelsCacheDir(options.env);
      const fromRegistry: ModelSummary[] = registry.models.map((entry) => ({
        id: entry.id,
        architecture: entry.architecture,
        labelSet: entry.labelSet,
        classCount: entry.numClasses ?? 0,
        featureDim: null,
        inputSize: { ...entry.preprocess.input },
        trained: true,
        source: 'registry',
        available: existsSync(installedModelPath(cacheDir, entry.id)),
        notes: entry.title,
      }));
      // Int8 models made on this machine (models quantize) sit in the cache under their own id.
      const int8 = (await listInt8Models({ env: options.env })).map((model) =>
        summarizeModel({ path: model.path, metadata: model.metadata, source: 'registry' }),
      );
      // Models trained from the user's labels (learning.train), by path, unless already listed.
      const trained = (await listTrainedModels(options.env))
        .filter((model) => !seenFiles.has(model.path))
        .map((model) => summarizeModel({ ...model, source: 'file' }));
      return [...seenFiles.values(), ...fromRegistry, ...int8, ...trained];
    },
  };
}
