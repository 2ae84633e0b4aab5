/**
 * Builds models with real ResNet architectures and seeded, untrained weights, for tests,
 * benchmarks and trying the pipeline without a download. The files say they are untrained.
 */
import { FieldmarkError } from '../../util/errors.js';
import { resolveLabelSet } from '../fetch/label-sets.js';
import type { ModelMetadata } from '../onnx/model-metadata.js';
import { preprocessFor } from '../fetch/preprocess-presets.js';
import { architectureSpec } from './resnet-architectures.js';
import { writeResNetModelFile } from './resnet-model-file.js';
import { featureDim, parameterCount } from './resnet-spec.js';
import { seededWeights } from './seeded-weights.js';

export interface SeededModelRequest {
  /** A name from ARCHITECTURE_NAMES, e.g. `resnet50`, `akamaster-resnet20`. */
  architecture: string;
  /** A label-set id (`imagenet1k`, `cub200`, `cifar10`, `cifar100`) or a JSON file of names. */
  classes: string;
  seed: number;
  outPath: string;
  env?: NodeJS.ProcessEnv;
}

export interface BuiltModel {
  path: string;
  metadata: ModelMetadata;
  parameterCount: number;
  bytes: number;
}

/**
 * Writes an untrained model file with the given architecture and classes.
 * @throws FieldmarkError InvalidArgument for an unknown architecture, label set or a bad seed.
 */
export async function buildSeededModel(request: SeededModelRequest): Promise<BuiltModel> {
  const { architecture, seed, outPath } = request;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new FieldmarkError('InvalidArgument', `seed: expected an integer from 0 to 4294967295, received ${seed}`);
  }
  const spec = architectureSpec(architecture);
  const labelSet = await resolveLabelSet(request.classes, request.env);
  const numClasses = labelSet.classNames.length;
  const metadata: ModelMetadata = {
    formatVersion: 1,
    id: `seeded-${architecture}-${labelSet.id}-s${seed}`,
    architecture,
    labelSet: labelSet.id,
    classNames: labelSet.classNames,
    preprocess: preprocessFor(labelSet.id, architecture),
    featureDim: featureDim(spec),
    trained: false,
    source: { kind: 'seeded', seed },
    notes: 'Seeded random weights, not trained: predictions are meaningless; the architecture and pipeline are real.',
  };
  const weights = seededWeights(spec, numClasses, seed);
  const bytes = await writeResNetModelFile(spec, weights, metadata, outPath);
  return { path: outPath, metadata, parameterCount: parameterCount(spec, numClasses), bytes };
}
