/**
 * Infers a ResNet's structure from the keys and shapes of its checkpoint, never from a name:
 * key layout (OpenMMLab / torchvision / akamaster), block type, depth and widths of every stage,
 * stem (7x7, CIFAR 3x3, V1c deep stem) and shortcut (1x1 conv, V1d pooled conv, option-A
 * zero-pad). Then checks every tensor against what that structure needs and lists the misfits.
 */
import { FieldmarkError } from '../../util/errors.js';
import type { CheckpointTensor } from '../checkpoint/checkpoint-reader.js';
import { ARCHITECTURE_NAMES, architectureSpec } from './resnet-architectures.js';
import type { ResNetSpec, ShortcutKind, StageSpec, StemSpec } from './resnet-spec.js';
import { allocateWeights, checkpointSlots, type KeyLayout, type ResNetWeights } from './resnet-weights.js';

export interface InferredResNet {
  spec: ResNetSpec;
  layout: KeyLayout;
  /** Classes of the head found in the checkpoint, or null when it has none. */
  numClasses: number | null;
  /** A name from ARCHITECTURE_NAMES when the structure is one of them, else null. */
  architecture: string | null;
}

type Tensors = ReadonlyMap<string, Pick<CheckpointTensor, 'shape'>>;

const HEAD_CANDIDATES = ['head.fc', 'fc', 'linear', 'module.linear', 'module.fc', 'module.head.fc'];
const BN_EPS = 1e-5;

function shapeOf(tensors: Tensors, key: string): number[] | undefined {
  return tensors.get(key)?.shape;
}

function dim(shape: number[] | undefined, index: number): number {
  return shape?.[index] ?? 0;
}

function inferStem(tensors: Tensors, prefix: string, where: string): StemSpec {
  const deep = [0, 1, 2].map((i) => shapeOf(tensors, `${prefix}stem.${i}.conv.weight`));
  if (deep[0]) return { kind: 'deep', channels: [dim(deep[0], 0), dim(deep[1], 0), dim(deep[2], 0)] };
  const conv1 = shapeOf(tensors, `${prefix}conv1.weight`);
  if (!conv1 || conv1.length !== 4)
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: no stem found (expected ${prefix}conv1.weight or ${prefix}stem.0.conv.weight)`,
    );
  if (conv1[2] === 7) return { kind: 'plain7x7', channels: dim(conv1, 0) };
  if (conv1[2] === 3) return { kind: 'cifar3x3', channels: dim(conv1, 0) };
  throw new FieldmarkError(
    'CheckpointInvalid',
    `${where}: ${prefix}conv1.weight has a ${conv1[2]}x${conv1[3]} kernel; expected 7x7 (ImageNet) or 3x3 (CIFAR)`,
  );
}

function inferShortcut(tensors: Tensors, prefix: string): ShortcutKind {
  const keys = [...tensors.keys()].filter((key) => key.startsWith(prefix) && key.includes('.downsample.'));
  if (keys.length === 0) return 'zero-pad';
  // V1d: downsample.0 is the parameter-free AvgPool, so the conv sits at downsample.1 (4-D weight).
  const pooled = keys.some((key) => key.endsWith('.downsample.1.weight') && tensors.get(key)?.shape.length === 4);
  return pooled ? 'avgpool-conv' : 'conv';
}

/** The named architecture with exactly this spec, if any. */
export function matchArchitecture(spec: ResNetSpec): string | null {
  const wanted = JSON.stringify(spec);
  return ARCHITECTURE_NAMES.find((name) => JSON.stringify(architectureSpec(name)) === wanted) ?? null;
}

function listProblems(title: string, items: string[]): string {
  const shown = items.slice(0, 12).join(', ');
  return `${title} (${items.length}): ${shown}${items.length > 12 ? `, ... ${items.length - 12} more` : ''}`;
}

/**
 * Infers the network stored in `tensors` and checks every tensor against it.
 * @throws FieldmarkError CheckpointInvalid listing missing, unexpected and mis-shaped keys.
 */
export function inferResNet(tensors: Tensors, where: string, options: { ignoreHead?: boolean } = {}): InferredResNet {
  const anchor = [...tensors.keys()].find((key) => key.endsWith('layer1.0.conv1.weight'));
  if (anchor === undefined) {
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: no layer1.0.conv1.weight among its ${tensors.size} tensors: not a ResNet state dict`,
    );
  }
  const prefix = anchor.slice(0, -'layer1.0.conv1.weight'.length);
  const stem = inferStem(tensors, prefix, where);
  const bottleneck = tensors.has(`${prefix}layer1.0.conv3.weight`);
  const stages: StageSpec[] = [];
  for (let stage = 1; tensors.has(`${prefix}layer${stage}.0.conv1.weight`); stage += 1) {
    let blocks = 0;
    while (tensors.has(`${prefix}layer${stage}.${blocks}.conv1.weight`)) blocks += 1;
    const first = `${prefix}layer${stage}.0`;
    const last = bottleneck ? 'conv3' : 'conv2';
    // Strides are not stored in a checkpoint: every ResNet here halves the resolution in each stage after the first.
    stages.push({
      blocks,
      midChannels: dim(shapeOf(tensors, `${first}.conv1.weight`), 0),
      outChannels: dim(shapeOf(tensors, `${first}.${last}.weight`), 0),
      stride: stage === 1 ? 1 : 2,
    });
  }
  const spec: ResNetSpec = {
    block: bottleneck ? 'bottleneck' : 'basic',
    stem,
    stages,
    shortcut: inferShortcut(tensors, prefix),
    bnEps: BN_EPS,
  };

  const headModule = options.ignoreHead
    ? undefined
    : HEAD_CANDIDATES.find((head) => shapeOf(tensors, `${head}.weight`)?.length === 2);
  const headKeys = new Set(HEAD_CANDIDATES.flatMap((head) => [`${head}.weight`, `${head}.bias`]));
  const numClasses = headModule ? dim(shapeOf(tensors, `${headModule}.weight`), 0) : null;
  const layout: KeyLayout = {
    prefix,
    head: headModule ?? 'head.fc',
    counters: [...tensors.keys()].some((key) => key.endsWith('.num_batches_tracked')),
  };

  const slots = checkpointSlots(spec, layout, numClasses);
  const expected = new Set(slots.map((slot) => slot.key));
  const missing = slots.filter((slot) => slot.role !== 'counter' && !tensors.has(slot.key)).map((slot) => slot.key);
  const misShaped = slots
    .filter(
      (slot) =>
        slot.role !== 'counter' &&
        tensors.has(slot.key) &&
        JSON.stringify(shapeOf(tensors, slot.key)) !== JSON.stringify(slot.shape),
    )
    .map((slot) => `${slot.key} [${shapeOf(tensors, slot.key)?.join(',')}] (expected [${slot.shape.join(',')}])`);
  const unexpected = [...tensors.keys()].filter(
    (key) => !expected.has(key) && !key.endsWith('.num_batches_tracked') && !(options.ignoreHead && headKeys.has(key)),
  );
  if (missing.length || misShaped.length || unexpected.length) {
    const problems = [
      missing.length ? listProblems('missing keys', missing) : '',
      misShaped.length ? listProblems('mis-shaped keys', misShaped) : '',
      unexpected.length ? listProblems('unexpected keys', unexpected) : '',
    ].filter(Boolean);
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where} does not fit the ResNet its keys describe (${describeSpec(spec)}): ${problems.join('; ')}`,
    );
  }
  return { spec, layout, numClasses, architecture: matchArchitecture(spec) };
}

/** A short description of a spec for messages, e.g. "bottleneck [3,4,6,3], deep stem, avgpool-conv shortcut". */
export function describeSpec(spec: ResNetSpec): string {
  return `${spec.block} [${spec.stages.map((s) => s.blocks).join(',')}], ${spec.stem.kind} stem, ${spec.shortcut} shortcut`;
}

/** Copies the checkpoint's float tensors into ResNetWeights (as float32). */
export function extractWeights(
  inferred: InferredResNet,
  tensors: ReadonlyMap<string, CheckpointTensor>,
  where: string,
): ResNetWeights {
  const weights = allocateWeights(inferred.spec, inferred.numClasses);
  for (const slot of checkpointSlots(inferred.spec, inferred.layout, inferred.numClasses)) {
    if (!slot.target) continue;
    const tensor = tensors.get(slot.key);
    if (!tensor?.data)
      throw new FieldmarkError(
        'CheckpointInvalid',
        `${where}: ${slot.key} is not a floating-point tensor (${tensor?.storageType ?? 'missing'})`,
      );
    slot.target(weights).set(tensor.data);
  }
  return weights;
}
