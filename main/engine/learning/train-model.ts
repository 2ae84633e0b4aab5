/**
 * "Train from my labels": a softmax head on the base model's stored features of the labelled
 * images, trained in a worker, written with the base backbone as one new model file, registered
 * in the catalog and applied to the whole library from the stored features.
 */
import { basename, extname } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { LabelStore } from '../labels/label-store.js';
import { sha256File } from '../../zoo/fetch/download.js';
import { writeModelWithHead } from '../../zoo/onnx/replace-head.js';
import type { ModelMetadata } from '../../zoo/onnx/model-metadata.js';
import { FieldmarkError } from '../../util/errors.js';
import { isUserLabel, labelledSet } from './labelled-features.js';
import { trainInWorker } from './train-client.js';
import { applyHeadToLibrary } from './apply-head.js';
import type { CvPoint } from './train-head.js';

export interface BaseModel {
  /** The base model's row in this catalog (its stored features are the training inputs). */
  rowId: number;
  path: string;
  metadata: ModelMetadata;
}

export interface TrainModelRequest {
  catalog: Catalog;
  libraryId: number;
  base: BaseModel;
  outPath: string;
  /** Label the library with the new model's top-1 (source `model`; user labels stay). */
  applyLabels: boolean;
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
}

export interface TrainedModel {
  id: string;
  path: string;
  modelRowId: number;
  classNames: string[];
  trainingLabels: number;
  cvAccuracy: number;
  regularisationC: number;
  cvCurve: CvPoint[];
  /** Images given a prediction from their stored features. */
  predicted: number;
  /** Images given a `model` label (user-labelled ones are left as they are). */
  labelled: number;
  seconds: number;
}

/** The model id of an output file: its name without `.onnx`. */
export function trainedModelId(outPath: string): string {
  const name = basename(outPath, extname(outPath));
  if (!/^[\w.-]{1,100}$/.test(name))
    throw new FieldmarkError(
      'InvalidArgument',
      `--out: expected a file name of letters, digits, "_", "-" or ".", received "${basename(outPath)}"`,
    );
  return name;
}

/**
 * @throws FieldmarkError InvalidArgument (no or too few labels, base file differs from the indexed one), Cancelled, ModelInvalid.
 */
export async function trainModelFromLabels(request: TrainModelRequest): Promise<TrainedModel> {
  const started = performance.now();
  const { catalog, libraryId, base } = request;
  const id = trainedModelId(request.outPath);
  const baseSha256 = await sha256File(base.path);
  const baseRow = catalog.listModels().find((row) => row.rowId === base.rowId);
  if (baseRow && baseRow.fileSha256 !== baseSha256) {
    throw new FieldmarkError(
      'InvalidArgument',
      `base model ${base.path} is not the file this library was indexed with (SHA-256 differs): classify the folder with it again first`,
    );
  }
  const store = new LabelStore(catalog, libraryId);
  // Only the labelled images' features: the head is applied to the rest in chunks (apply-head.ts).
  const labels = store.allLabels();
  const set = labelledSet(
    catalog.features(
      libraryId,
      base.rowId,
      labels.filter(isUserLabel).map((label) => label.imageId),
    ),
    labels,
  );
  if (set.rows === 0)
    throw new FieldmarkError(
      'InvalidArgument',
      `no labelled images with ${base.metadata.id} features: label some images (and classify the folder) first`,
    );
  request.onProgress?.(0, 'training');
  const result = await trainInWorker(set, {
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  const { quantization: _dropped, training: _previous, ...baseMetadata } = base.metadata;
  const metadata: ModelMetadata = {
    ...baseMetadata,
    id,
    labelSet: 'custom',
    classNames: set.classNames,
    trained: true,
    source: { kind: 'checkpoint', file: basename(base.path), sha256: baseSha256 },
    notes: `Head trained by Fieldmark on ${set.rows} labelled images over ${base.metadata.id} features (cross-validated accuracy ${(result.cvAccuracy * 100).toFixed(1)}%).`,
    // Retraining from a trained model keeps naming the original backbone: the features are its.
    training: {
      baseModelId: base.metadata.training?.baseModelId ?? base.metadata.id,
      baseModelSha256: base.metadata.training?.baseModelSha256 ?? baseSha256,
      trainingLabels: set.rows,
      cvAccuracy: result.cvAccuracy,
      regularisationC: result.c,
      folds: result.folds,
      trainedAt: new Date().toISOString(),
    },
  };
  await writeModelWithHead(
    base.path,
    { classCount: set.classNames.length, dim: set.dim, weights: result.head.weights, bias: result.head.bias },
    metadata,
    request.outPath,
  );
  const modelRowId = catalog.ensureModel({
    id,
    fileSha256: await sha256File(request.outPath),
    metadataJson: JSON.stringify(metadata),
    classCount: set.classNames.length,
    featureDim: set.dim,
  });
  const applied = await applyHeadToLibrary(
    catalog,
    result.head,
    libraryId,
    { modelRowId, baseModelRowId: base.rowId },
    request.applyLabels ? store : null,
  );
  return {
    id,
    path: request.outPath,
    modelRowId,
    classNames: set.classNames,
    trainingLabels: set.rows,
    cvAccuracy: result.cvAccuracy,
    regularisationC: result.c,
    cvCurve: result.cvCurve,
    predicted: applied.predicted,
    labelled: applied.labels?.changedImageIds.length ?? 0,
    seconds: (performance.now() - started) / 1000,
  };
}
