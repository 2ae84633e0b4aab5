/**
 * Finds the model the app should run: a registry id or an ONNX file path, read into its
 * self-describing metadata. The session asks through this interface so the Electron app, `serve`
 * and the tests can share the lookup (and tests can point at a model they built).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ModelSummary } from '../contract/types.js';
import { FieldmarkError } from '../util/errors.js';
import type { ModelMetadata } from '../zoo/model-metadata.js';
import { readModelMetadata } from '../zoo/model-file.js';

export interface ResolvedModel {
  path: string;
  metadata: ModelMetadata;
  source: 'registry' | 'file';
}

export interface ModelProvider {
  /** @throws FieldmarkError ModelMissing / ModelInvalid */
  resolve(idOrPath: string | null): Promise<ResolvedModel>;
  list(): Promise<ModelSummary[]>;
}

export function summarizeModel(model: ResolvedModel): ModelSummary {
  const { metadata } = model;
  return {
    id: model.source === 'file' ? model.path : metadata.id,
    architecture: metadata.architecture,
    labelSet: metadata.labelSet,
    classCount: metadata.classNames.length,
    featureDim: metadata.featureDim,
    inputSize: { ...metadata.preprocess.input },
    trained: metadata.trained,
    source: model.source,
    available: true,
    ...(metadata.notes === undefined ? {} : { notes: metadata.notes }),
  };
}

/** Reads a model from a file path; the fallback when no registry is at hand. */
export async function resolveModelFile(path: string): Promise<ResolvedModel> {
  const absolute = resolve(path);
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new FieldmarkError('ModelMissing', `model ${path}: expected an ONNX file, received a folder`);
  } catch (error) {
    if (error instanceof FieldmarkError) throw error;
    throw new FieldmarkError('ModelMissing', `model ${path}: expected a registry id or an ONNX file, but no file exists at ${absolute}`);
  }
  return { path: absolute, metadata: await readModelMetadata(absolute), source: 'file' };
}
