/**
 * Converts a PyTorch ResNet checkpoint into a Fieldmark ONNX model: structure inferred from the
 * checkpoint, batch norm folded, class names from the checkpoint (OpenMMLab meta) or from
 * `classes`, preprocessing from a registry entry (`like` / `preprocess`) or the architecture.
 */
import { basename, extname } from 'node:path';
import { FieldmarkError } from '../../util/errors.js';
import { readCheckpoint } from './checkpoint-reader.js';
import { genericClassNames, LABEL_SET_SIZES, resolveLabelSet } from '../fetch/label-sets.js';
import type { ModelMetadata, PreprocessSpec } from '../onnx/model-metadata.js';
import { preprocessFor } from '../fetch/preprocess-presets.js';
import { findRegistryEntry, requireRegistryEntry, type RegistryEntry } from '../fetch/registry.js';
import { describeSpec, extractWeights, inferResNet } from '../resnet/resnet-inference.js';
import { writeResNetModelFile } from '../resnet/resnet-model-file.js';
import { convertedModelId, isRegistryCheckpoint } from './model-identity.js';
import { featureDim, parameterCount, type ResNetSpec } from '../resnet/resnet-spec.js';

export interface ConvertRequest {
  checkpointPath: string;
  outPath: string;
  /** Registry id whose label set, preprocessing and notes the model takes. */
  like?: string;
  /** A label-set id or a JSON file of names (overrides the registry's label set). */
  classes?: string;
  /** Registry id whose preprocessing the model takes (overrides `like`'s). */
  preprocess?: string;
  /** Preprocessing to store as is (overrides `preprocess` and `like`; for callers with their own pipeline). */
  preprocessSpec?: PreprocessSpec;
  /** Model id stored in the metadata (default: `like`, else the checkpoint's file name). */
  id?: string;
  env?: NodeJS.ProcessEnv;
  /** Adds a `logits` output beside the two standard ones (tests compare logits to references). */
  exposeLogits?: boolean;
}

export interface ConvertResult {
  path: string;
  metadata: ModelMetadata;
  parameterCount: number;
  bytes: number;
  format: 'zip' | 'legacy';
  structure: string;
  /** Things the user should know (generic class names, dropped head). */
  warnings: string[];
}

/** The single pseudo-class of a feature extractor (a checkpoint without a usable head). */
export const FEATURES_ONLY_CLASS = '(features only: no classifier)';

function labelSetForCount(count: number): string | null {
  return Object.entries(LABEL_SET_SIZES).find(([, size]) => size === count)?.[0] ?? null;
}

function preprocessArchitecture(name: string | null, spec: ResNetSpec): string {
  if (name) return name;
  return spec.stem.kind === 'cifar3x3' ? 'resnet18-cifar' : spec.stem.kind === 'deep' ? 'resnetv1c50' : 'resnet50';
}

function notesFor(entry: RegistryEntry | undefined, checkpointName: string): string {
  if (!entry) return `Converted from ${checkpointName}.`;
  const accuracy =
    entry.top1 === null ? '' : ` Published top-1 ${entry.top1}%${entry.top5 === null ? '' : `, top-5 ${entry.top5}%`}.`;
  return `${entry.title}.${accuracy} Licence: ${entry.licence}.${entry.notes ? ` ${entry.notes}` : ''}`;
}

/**
 * Converts `checkpointPath` into an ONNX model at `outPath`.
 * @throws FieldmarkError CheckpointInvalid / UnsafeCheckpoint / InvalidArgument with what did not fit.
 */
export async function convertCheckpoint(request: ConvertRequest): Promise<ConvertResult> {
  const env = request.env ?? process.env;
  const where = `checkpoint ${request.checkpointPath}`;
  const entry = request.like ? await requireRegistryEntry(request.like, env) : undefined;
  const preprocessEntry = request.preprocess ? await requireRegistryEntry(request.preprocess, env) : entry;
  const featuresOnly = entry?.numClasses === null;
  const checkpoint = await readCheckpoint(request.checkpointPath);
  const inferred = inferResNet(checkpoint.tensors, where, { ignoreHead: featuresOnly });
  const weights = extractWeights(inferred, checkpoint.tensors, where);
  const warnings: string[] = [];
  const checkpointName = basename(request.checkpointPath);

  let labelSet: string;
  let classNames: string[];
  if (inferred.numClasses === null) {
    if (!featuresOnly)
      warnings.push(`${checkpointName} has no classification head: the model gives pooled features only`);
    const dim = featureDim(inferred.spec);
    weights.head = { weight: new Float32Array(dim), bias: new Float32Array(1) };
    labelSet = entry?.labelSet ?? 'custom';
    classNames = [FEATURES_ONLY_CLASS];
  } else {
    const count = inferred.numClasses;
    const requested = request.classes ? await resolveLabelSet(request.classes, env) : undefined;
    const fromEntry =
      !requested && entry && LABEL_SET_SIZES[entry.labelSet] !== undefined
        ? await resolveLabelSet(entry.labelSet, env)
        : undefined;
    labelSet = requested?.id ?? entry?.labelSet ?? labelSetForCount(count) ?? 'custom';
    // Names a user gives in a file win; then the checkpoint's own; then the label set's.
    const candidates = [
      requested?.id === 'custom' ? requested : undefined,
      checkpoint.classNames ? { classNames: checkpoint.classNames, named: true } : undefined,
      requested,
      fromEntry,
    ];
    const chosen =
      candidates.find((candidate) => candidate && candidate.named) ??
      candidates.find((candidate) => candidate !== undefined);
    if (chosen && chosen.classNames.length !== count) {
      throw new FieldmarkError(
        'InvalidArgument',
        `${where} has a ${count}-class head, but the class list has ${chosen.classNames.length} names`,
      );
    }
    classNames = chosen?.classNames ?? genericClassNames(count);
    if (!chosen?.named)
      warnings.push(
        `${checkpointName} carries no class names: classes are named "class 0" ... "class ${count - 1}" (give --classes to name them)`,
      );
  }

  const architecture = inferred.architecture ?? `resnet-custom(${describeSpec(inferred.spec)})`;
  const preprocess: PreprocessSpec =
    request.preprocessSpec ??
    preprocessEntry?.preprocess ??
    preprocessFor(labelSet, preprocessArchitecture(inferred.architecture, inferred.spec));
  const stemEntry = await findRegistryEntry(basename(checkpointName, extname(checkpointName)), env);
  // Another checkpoint converted "like" an entry borrows its label set and preprocessing, never its identity.
  const registryWeights = entry !== undefined && isRegistryCheckpoint(entry, checkpoint.sha256) ? entry : undefined;
  const metadata: ModelMetadata = {
    formatVersion: 1,
    id: convertedModelId({
      ...(request.id ? { explicitId: request.id } : {}),
      ...(entry ? { entry } : {}),
      ...(stemEntry ? { stemEntry } : {}),
      checkpointName,
      checkpointSha256: checkpoint.sha256,
    }),
    architecture,
    labelSet,
    classNames,
    preprocess,
    featureDim: featureDim(inferred.spec),
    trained: true,
    source: {
      kind: 'checkpoint',
      file: checkpointName,
      sha256: checkpoint.sha256,
      ...(registryWeights ? { url: registryWeights.checkpoint.url } : {}),
    },
    notes:
      entry && !registryWeights
        ? `Converted from ${checkpointName} like ${entry.id} (its label set and preprocessing, not its weights).`
        : notesFor(entry, checkpointName),
  };
  const bytes = await writeResNetModelFile(inferred.spec, weights, metadata, request.outPath, {
    exposeLogits: request.exposeLogits === true,
  });
  return {
    path: request.outPath,
    metadata,
    parameterCount: parameterCount(inferred.spec, inferred.numClasses),
    bytes,
    format: checkpoint.format,
    structure: describeSpec(inferred.spec),
    warnings,
  };
}
