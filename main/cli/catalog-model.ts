/** Picks which of a catalog's models a read-only command (export, similar) uses. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Catalog } from '../engine/catalog/index.js';
import { readModelMetadata } from '../zoo/onnx/model-file.js';
import type { ModelMetadata } from '../zoo/onnx/model-metadata.js';
import { UsageError } from './args.js';

export interface CatalogModel {
  rowId: number;
  metadata: ModelMetadata;
}

/**
 * `requested` is a model id or a model file (its id is read from the file); without it, the
 * catalog's only model. @throws UsageError when the choice is missing or ambiguous
 */
export async function pickCatalogModel(
  catalog: Catalog,
  requested: string | undefined,
  cwd: string,
): Promise<CatalogModel> {
  const models = catalog.listModels();
  let id = requested;
  if (requested && (requested.endsWith('.onnx') || existsSync(resolve(cwd, requested)))) {
    id = (await readModelMetadata(resolve(cwd, requested))).id;
  }
  const known = models.map((m) => m.id).join(', ') || 'none';
  if (!id) {
    if (models.length === 1) id = models[0]!.id;
    else if (models.length === 0)
      throw new UsageError('this library has not been classified yet: run "fieldmark classify <folder>" first');
    else throw new UsageError(`--model is required: this library has results of several models (${known})`);
  }
  const row = models.find((m) => m.id === id);
  if (!row)
    throw new UsageError(`--model: expected a model this library was classified with (${known}), received "${id}"`);
  return { rowId: row.rowId, metadata: JSON.parse(row.metadataJson) as ModelMetadata };
}
