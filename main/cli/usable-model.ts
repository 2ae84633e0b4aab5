/**
 * `--model` for the commands that run a model (classify, serve): a model that cannot be used stops
 * the command before any work with exit 2 and a message naming the model and the fix (issue 13).
 */
import { FieldmarkError } from '../util/errors.js';
import { describeModelProblem, MODEL_ERROR_KINDS } from '../app/model-fix.js';
import type { ModelMetadata } from '../zoo/onnx/model-metadata.js';
import { loadRegistry } from '../zoo/fetch/registry.js';
import { UsageError } from './args.js';
import { resolveModelArgument } from './model-argument.js';

/** @throws UsageError (exit 2) for an unknown id, a model not downloaded, or an unreadable/invalid file */
export async function resolveUsableModel(
  value: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ path: string; metadata: ModelMetadata }> {
  try {
    const model = await resolveModelArgument(value, cwd, env);
    const { width, height } = model.metadata.preprocess.input;
    if (!(width > 0 && height > 0))
      throw new FieldmarkError(
        'ModelInvalid',
        `model ${model.path}: expected a positive input size, received ${width}x${height}`,
      );
    return model;
  } catch (error) {
    if (error instanceof FieldmarkError && MODEL_ERROR_KINDS.includes(error.kind)) {
      const name = value ?? (await loadRegistry(env)).defaultModel;
      throw new UsageError(`${describeModelProblem(name, error.kind, error.message)} (${error.kind})`);
    }
    throw error;
  }
}
