/**
 * The weights of a ResNet (unfolded: conv weights and batch-norm parameters kept apart, as in a
 * checkpoint) and the checkpoint key layouts that name them: OpenMMLab (`backbone.*`, `head.fc.*`),
 * torchvision (`conv1`, `layerN`, `fc`) and akamaster (`module.*`, `linear`, no BN counters).
 */
import { resnetShape, type ConvBnShape, type ResNetSpec } from './resnet-spec.js';

export interface ConvBnWeights {
  /** [out, in, k, k], row-major. */
  convWeight: Float32Array;
  /** Batch norm gamma, beta, running mean, running variance; each [out]. */
  bnWeight: Float32Array;
  bnBias: Float32Array;
  bnMean: Float32Array;
  bnVar: Float32Array;
}

export interface BlockWeights {
  convs: ConvBnWeights[];
  shortcut: ConvBnWeights | null;
}

export interface LinearWeights {
  /** [classes, featureDim], row-major. */
  weight: Float32Array;
  bias: Float32Array;
}

export interface ResNetWeights {
  stem: ConvBnWeights[];
  /** In the order of `resnetShape(spec).blocks`. */
  blocks: BlockWeights[];
  /** Null for a feature extractor without a classification head. */
  head: LinearWeights | null;
}

export type CheckpointLayout = 'openmmlab' | 'torchvision' | 'akamaster';

/** One tensor of a checkpoint and where it lives in ResNetWeights (null: a counter we ignore). */
export interface TensorSlot {
  key: string;
  shape: number[];
  /** 'buffer' is a BN running statistic, 'counter' num_batches_tracked (int64, unused at inference). */
  role: 'parameter' | 'buffer' | 'counter';
  target: ((weights: ResNetWeights) => Float32Array) | null;
}

function allocateConvBn(shape: ConvBnShape): ConvBnWeights {
  const out = shape.outChannels;
  return {
    convWeight: new Float32Array(out * shape.inChannels * shape.kernel * shape.kernel),
    bnWeight: new Float32Array(out),
    bnBias: new Float32Array(out),
    bnMean: new Float32Array(out),
    bnVar: new Float32Array(out),
  };
}

/** Zero-filled weights with every array at its final size. */
export function allocateWeights(spec: ResNetSpec, numClasses: number | null): ResNetWeights {
  const shape = resnetShape(spec);
  return {
    stem: shape.stem.map(allocateConvBn),
    blocks: shape.blocks.map((block) => ({
      convs: block.convs.map(allocateConvBn),
      shortcut: block.shortcutConv ? allocateConvBn(block.shortcutConv) : null,
    })),
    head:
      numClasses === null
        ? null
        : { weight: new Float32Array(numClasses * shape.featureDim), bias: new Float32Array(numClasses) },
  };
}

/** How a checkpoint names its tensors: a prefix before the backbone, the head's module, BN counters. */
export interface KeyLayout {
  /** `backbone.` (OpenMMLab), `module.` (nn.DataParallel, akamaster) or empty (torchvision). */
  prefix: string;
  /** Module of the linear head: `head.fc`, `fc`, `module.linear`, ... */
  head: string;
  /** Whether BN layers carry num_batches_tracked (PyTorch ≥ 0.4.1). */
  counters: boolean;
}

export const KEY_LAYOUTS: Readonly<Record<CheckpointLayout, KeyLayout>> = {
  openmmlab: { prefix: 'backbone.', head: 'head.fc', counters: true },
  torchvision: { prefix: '', head: 'fc', counters: true },
  akamaster: { prefix: 'module.', head: 'module.linear', counters: false },
};

interface Names {
  stem: (index: number, count: number) => { conv: string; bn: string };
  block: (stage: number, index: number) => string;
  /** Module index of the shortcut's conv and BN inside `downsample` (V1d's pool takes index 0). */
  shortcut: (pooled: boolean) => { conv: string; bn: string };
  head: string;
  counters: boolean;
}

function layoutNames(layout: KeyLayout): Names {
  const { prefix } = layout;
  return {
    stem: (index, count) =>
      count === 1
        ? { conv: `${prefix}conv1`, bn: `${prefix}bn1` }
        : { conv: `${prefix}stem.${index}.conv`, bn: `${prefix}stem.${index}.bn` },
    block: (stage, index) => `${prefix}layer${stage + 1}.${index}`,
    shortcut: (pooled) =>
      pooled ? { conv: 'downsample.1', bn: 'downsample.2' } : { conv: 'downsample.0', bn: 'downsample.1' },
    head: layout.head,
    counters: layout.counters,
  };
}

function convBnSlots(
  names: Names,
  conv: string,
  bn: string,
  shape: ConvBnShape,
  locate: (weights: ResNetWeights) => ConvBnWeights,
): TensorSlot[] {
  const out = shape.outChannels;
  const slots: TensorSlot[] = [
    {
      key: `${conv}.weight`,
      shape: [out, shape.inChannels, shape.kernel, shape.kernel],
      role: 'parameter',
      target: (w) => locate(w).convWeight,
    },
    { key: `${bn}.weight`, shape: [out], role: 'parameter', target: (w) => locate(w).bnWeight },
    { key: `${bn}.bias`, shape: [out], role: 'parameter', target: (w) => locate(w).bnBias },
    { key: `${bn}.running_mean`, shape: [out], role: 'buffer', target: (w) => locate(w).bnMean },
    { key: `${bn}.running_var`, shape: [out], role: 'buffer', target: (w) => locate(w).bnVar },
  ];
  if (names.counters) slots.push({ key: `${bn}.num_batches_tracked`, shape: [], role: 'counter', target: null });
  return slots;
}

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`weights do not match the spec: ${what} is missing`);
  return value;
}

/** Every tensor a checkpoint of this architecture holds in `layout`, in PyTorch's state-dict order. */
export function checkpointSlots(
  spec: ResNetSpec,
  layout: CheckpointLayout | KeyLayout,
  numClasses: number | null,
): TensorSlot[] {
  const names = layoutNames(typeof layout === 'string' ? KEY_LAYOUTS[layout] : layout);
  const shape = resnetShape(spec);
  const slots: TensorSlot[] = [];
  shape.stem.forEach((convShape, i) => {
    const n = names.stem(i, shape.stem.length);
    slots.push(...convBnSlots(names, n.conv, n.bn, convShape, (w) => must(w.stem[i], `stem conv ${i}`)));
  });
  shape.blocks.forEach((block, b) => {
    const base = names.block(block.stage, block.index);
    const locateBlock = (w: ResNetWeights) => must(w.blocks[b], `block ${base}`);
    block.convs.forEach((convShape, c) => {
      slots.push(
        ...convBnSlots(names, `${base}.conv${c + 1}`, `${base}.bn${c + 1}`, convShape, (w) =>
          must(locateBlock(w).convs[c], `${base}.conv${c + 1}`),
        ),
      );
    });
    if (block.shortcutConv) {
      const n = names.shortcut(spec.shortcut === 'avgpool-conv' && block.stride !== 1);
      slots.push(
        ...convBnSlots(names, `${base}.${n.conv}`, `${base}.${n.bn}`, block.shortcutConv, (w) =>
          must(locateBlock(w).shortcut, `${base} shortcut`),
        ),
      );
    }
  });
  if (numClasses !== null) {
    slots.push({
      key: `${names.head}.weight`,
      shape: [numClasses, shape.featureDim],
      role: 'parameter',
      target: (w) => must(w.head, 'head').weight,
    });
    slots.push({
      key: `${names.head}.bias`,
      shape: [numClasses],
      role: 'parameter',
      target: (w) => must(w.head, 'head').bias,
    });
  }
  return slots;
}
