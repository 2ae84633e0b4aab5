/** Resolves `--model`: a path to a Fieldmark .onnx file (relative to the command's folder), or a registry id. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveModel } from '../zoo/fetch/resolve-model.js';
import { loadRegistry } from '../zoo/fetch/registry.js';
import type { ModelMetadata } from '../zoo/onnx/model-metadata.js';

/** `value`, or the registry's default model when absent. @throws FieldmarkError ModelMissing / ModelInvalid */
export async function resolveModelArgument(
  value: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ path: string; metadata: ModelMetadata }> {
  const wanted = value ?? (await loadRegistry(env)).defaultModel;
  const asPath = resolve(cwd, wanted);
  return resolveModel(wanted.endsWith('.onnx') || existsSync(asPath) ? asPath : wanted, { env });
}
