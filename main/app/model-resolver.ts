/**
 * Finds the model the app should run: a registry id or an ONNX file path, read into its
 * self-describing metadata. The session asks through this interface so the Electron app, `serve`
 * and the tests can share the lookup (and tests can point at a model they built).
 */
import type { ModelSummary } from '../contract/types.js';
import type { ModelMetadata, QuantizationInfo } from '../zoo/onnx/model-metadata.js';

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
    ...(metadata.quantization ? { int8: int8Summary(metadata.quantization) } : {}),
  };
}

/** What the model list shows of an int8 model. */
export function int8Summary(q: QuantizationInfo): NonNullable<ModelSummary['int8']> {
  return {
    method: q.method,
    sourceModel: q.sourceModel,
    top1Agreement: q.top1Agreement,
    meanAbsDeltaTop1: q.meanAbsDeltaTop1,
    speedup: q.speedup,
  };
}
