/**
 * Which model a learning command (train, labels suspects/propagate) works on: `--base`/`--model`
 * as a file or registry id, or else the library's only base model (trained heads are not bases).
 */
import type { Catalog } from '../engine/catalog/index.js';
import type { BaseModel } from '../engine/learning/train-model.js';
import type { ModelMetadata } from '../zoo/onnx/model-metadata.js';
import { resolveModel } from '../zoo/fetch/resolve-model.js';
import { FieldmarkError } from '../util/errors.js';
import { UsageError } from './args.js';
import { resolveModelArgument } from './model-argument.js';

/** @throws UsageError when the library has no features of the model, or the choice is ambiguous */
export async function resolveBaseModel(
  catalog: Catalog,
  requested: string | undefined,
  option: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<BaseModel> {
  const rows = catalog.listModels();
  if (requested) {
    const model = await resolveModelArgument(requested, cwd, env);
    const row = rows.find((m) => m.id === model.metadata.id);
    if (!row)
      throw new UsageError(
        `--${option}: this library has no features of "${model.metadata.id}": run "fieldmark classify <folder> --model ${requested}" first`,
      );
    return { rowId: row.rowId, path: model.path, metadata: model.metadata };
  }
  const bases = rows.filter((row) => (JSON.parse(row.metadataJson) as ModelMetadata).training === undefined);
  if (bases.length === 0)
    throw new UsageError('this library has not been classified yet: run "fieldmark classify <folder>" first');
  if (bases.length > 1)
    throw new UsageError(
      `--${option} is required: this library has features of several models (${bases.map((b) => b.id).join(', ')})`,
    );
  const row = bases[0]!;
  const metadata = JSON.parse(row.metadataJson) as ModelMetadata;
  try {
    const resolved = await resolveModel(metadata.id, { env });
    return { rowId: row.rowId, path: resolved.path, metadata };
  } catch (error) {
    if (error instanceof FieldmarkError && error.kind === 'ModelMissing') {
      throw new UsageError(`--${option} <file.onnx> is required: "${metadata.id}" is not an installed registry model`);
    }
    throw error;
  }
}
