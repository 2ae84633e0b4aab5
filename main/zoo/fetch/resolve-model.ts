/**
 * Turns what a user names as a model (an .onnx path or a registry id) into a model file and its
 * metadata, with a message that says how to get a registry model that is not installed yet.
 */
import { FieldmarkError } from '../../util/errors.js';
import { isFile } from '../../util/is-file.js';
import type { ModelMetadata } from '../onnx/model-metadata.js';
import { readModelMetadata } from '../onnx/model-file.js';
import { installedModelPath, modelsCacheDir } from './model-cache.js';
import { loadRegistry } from './registry.js';

export interface ResolveModelOptions {
  /** Folder of converted models; defaults to the user's cache (FIELDMARK_CACHE_DIR honoured). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * An existing .onnx path, or the installed model of a registry id.
 * @throws FieldmarkError ModelMissing (with how to install it) or ModelInvalid.
 */
export async function resolveModel(
  idOrPath: string,
  options: ResolveModelOptions = {},
): Promise<{ path: string; metadata: ModelMetadata }> {
  const env = options.env ?? process.env;
  if (idOrPath.toLowerCase().endsWith('.onnx') || (await isFile(idOrPath))) {
    return { path: idOrPath, metadata: await readModelMetadata(idOrPath) };
  }
  const registry = await loadRegistry(env);
  const entry = registry.models.find((candidate) => candidate.id === idOrPath);
  const cachedPath = installedModelPath(options.cacheDir ?? modelsCacheDir(env), idOrPath);
  // Models made on this machine (e.g. `<id>-int8` by models quantize) live in the cache under their id.
  if (!entry && !idOrPath.includes('/') && !idOrPath.includes('\\') && (await isFile(cachedPath))) {
    return { path: cachedPath, metadata: await readModelMetadata(cachedPath) };
  }
  if (!entry) {
    // Neither a file nor a known id: a mistyped argument (exit 2), not a model to install.
    throw new FieldmarkError(
      'InvalidArgument',
      `model "${idOrPath}": expected a path to an .onnx file or a registry id (see "fieldmark models list"), received neither`,
    );
  }
  const cacheDir = options.cacheDir ?? modelsCacheDir(env);
  const path = installedModelPath(cacheDir, entry.id);
  if (!(await isFile(path))) {
    throw new FieldmarkError(
      'ModelMissing',
      `model "${entry.id}" is not installed (expected ${path}): run "fieldmark models download ${entry.id}", ` +
        `or fetch ${entry.checkpoint.url} yourself and run "fieldmark models import <file> --like ${entry.id}"`,
    );
  }
  return { path, metadata: await readModelMetadata(path) };
}
