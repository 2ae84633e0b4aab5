/**
 * A ResNet described as data: enough to build its ONNX graph, name its checkpoint parameters and
 * count them. Covers OpenMMLab's ResNet / ResNetV1c / ResNetV1d / ResNet_CIFAR (style "pytorch":
 * the stride of a bottleneck sits on its 3x3 conv), torchvision's ResNet and wide ResNet, and the
 * CIFAR ResNets of He et al. as reproduced in akamaster/pytorch_resnet_cifar10 (option-A shortcut).
 */
import { unreachable } from '../../util/errors.js';

export type StemSpec =
  /** conv 7x7 stride 2 pad 3 + BN + ReLU, then max-pool 3x3 stride 2 pad 1 (ImageNet ResNets). */
  | { kind: 'plain7x7'; channels: number }
  /** conv 3x3 stride 1 pad 1 + BN + ReLU, no max-pool (CIFAR ResNets). */
  | { kind: 'cifar3x3'; channels: number }
  /** V1c/V1d deep stem: three conv 3x3 (stride 2, 1, 1) + BN + ReLU each, then max-pool 3x3/2. */
  | { kind: 'deep'; channels: [number, number, number] };

export type ShortcutKind =
  /** 1x1 conv with the block's stride + BN (V1b / torchvision). */
  | 'conv'
  /** V1d: AvgPool(kernel=stride, stride, ceil_mode, count_include_pad=False) then 1x1 conv stride 1 + BN. */
  | 'avgpool-conv'
  /** akamaster option A: x[:, :, ::2, ::2], then zero-pad the channels; no parameters. */
  | 'zero-pad';

export interface StageSpec {
  blocks: number;
  /** Width of the block's inner convs (bottleneck conv1/conv2; basic conv1). */
  midChannels: number;
  /** Width of the block's output (bottleneck conv3; basic conv2). */
  outChannels: number;
  /** Stride of the first block of the stage. */
  stride: number;
}

export interface ResNetSpec {
  block: 'basic' | 'bottleneck';
  stem: StemSpec;
  stages: StageSpec[];
  shortcut: ShortcutKind;
  /** Epsilon of every batch norm (PyTorch's default 1e-5). */
  bnEps: number;
}

/** Output width of the stem. */
export function stemOutChannels(stem: StemSpec): number {
  return stem.kind === 'deep' ? stem.channels[2] : stem.channels;
}

/** Length of the pooled feature vector: the last stage's output width. */
export function featureDim(spec: ResNetSpec): number {
  const last = spec.stages[spec.stages.length - 1];
  return last ? last.outChannels : stemOutChannels(spec.stem);
}

/** One conv (without bias) followed by a batch norm, as found in a checkpoint. */
export interface ConvBnShape {
  outChannels: number;
  inChannels: number;
  kernel: number;
  stride: number;
  padding: number;
}

export interface BlockShape {
  stage: number;
  index: number;
  inChannels: number;
  outChannels: number;
  stride: number;
  /** 2 convs for a basic block, 3 for a bottleneck. */
  convs: ConvBnShape[];
  /** The projection shortcut's conv + BN, or null for identity / parameter-free shortcuts. */
  shortcutConv: ConvBnShape | null;
  /** Whether the shortcut changes shape (projection, pooled projection or zero-pad). */
  hasShortcut: boolean;
}

export interface ResNetShape {
  stem: ConvBnShape[];
  blocks: BlockShape[];
  featureDim: number;
}

function convBn(inChannels: number, outChannels: number, kernel: number, stride: number): ConvBnShape {
  return { inChannels, outChannels, kernel, stride, padding: Math.floor(kernel / 2) };
}

function stemShape(stem: StemSpec): ConvBnShape[] {
  switch (stem.kind) {
    case 'plain7x7':
      return [convBn(3, stem.channels, 7, 2)];
    case 'cifar3x3':
      return [convBn(3, stem.channels, 3, 1)];
    case 'deep':
      return [
        convBn(3, stem.channels[0], 3, 2),
        convBn(stem.channels[0], stem.channels[1], 3, 1),
        convBn(stem.channels[1], stem.channels[2], 3, 1),
      ];
    default:
      return unreachable(stem);
  }
}

/** Expands a spec into every conv + BN it contains, in checkpoint order. */
export function resnetShape(spec: ResNetSpec): ResNetShape {
  const stem = stemShape(spec.stem);
  const blocks: BlockShape[] = [];
  let inChannels = stemOutChannels(spec.stem);
  spec.stages.forEach((stage, stageIndex) => {
    for (let index = 0; index < stage.blocks; index += 1) {
      const stride = index === 0 ? stage.stride : 1;
      const mid = stage.midChannels;
      const out = stage.outChannels;
      const convs =
        spec.block === 'basic'
          ? [convBn(inChannels, mid, 3, stride), convBn(mid, out, 3, 1)]
          : [convBn(inChannels, mid, 1, 1), convBn(mid, mid, 3, stride), convBn(mid, out, 1, 1)];
      const hasShortcut = stride !== 1 || inChannels !== out;
      let shortcutConv: ConvBnShape | null = null;
      if (hasShortcut && spec.shortcut !== 'zero-pad') {
        // V1d moves the stride into an average pool before a stride-1 projection.
        shortcutConv = convBn(inChannels, out, 1, spec.shortcut === 'avgpool-conv' ? 1 : stride);
      }
      blocks.push({ stage: stageIndex, index, inChannels, outChannels: out, stride, convs, shortcutConv, hasShortcut });
      inChannels = out;
    }
  });
  return { stem, blocks, featureDim: featureDim(spec) };
}

/**
 * Number of trainable parameters (conv weights, BN weight and bias, linear head), the figure
 * papers and model zoos publish; BN running statistics are buffers and not counted.
 */
export function parameterCount(spec: ResNetSpec, numClasses: number | null): number {
  const shape = resnetShape(spec);
  const convBnCount = (c: ConvBnShape): number =>
    c.outChannels * c.inChannels * c.kernel * c.kernel + 2 * c.outChannels;
  let total = shape.stem.reduce((sum, c) => sum + convBnCount(c), 0);
  for (const block of shape.blocks) {
    total += block.convs.reduce((sum, c) => sum + convBnCount(c), 0);
    if (block.shortcutConv) total += convBnCount(block.shortcutConv);
  }
  if (numClasses !== null) total += numClasses * shape.featureDim + numClasses;
  return total;
}

/**
 * Multiply-accumulates of one forward pass at `height`x`width` (convs and the head; what model
 * zoos publish as "FLOPs"). Shortcut pooling, BN (folded) and ReLU are negligible and omitted.
 */
export function multiplyAccumulates(
  spec: ResNetSpec,
  numClasses: number | null,
  height: number,
  width: number,
): number {
  const shape = resnetShape(spec);
  let h = height;
  let w = width;
  let total = 0;
  const conv = (c: ConvBnShape, inH: number, inW: number): [number, number] => {
    const outH = Math.floor((inH + 2 * c.padding - c.kernel) / c.stride) + 1;
    const outW = Math.floor((inW + 2 * c.padding - c.kernel) / c.stride) + 1;
    total += c.outChannels * c.inChannels * c.kernel * c.kernel * outH * outW;
    return [outH, outW];
  };
  for (const c of shape.stem) [h, w] = conv(c, h, w);
  if (spec.stem.kind !== 'cifar3x3') [h, w] = [Math.floor((h - 1) / 2) + 1, Math.floor((w - 1) / 2) + 1];
  for (const block of shape.blocks) {
    const [inH, inW] = [h, w];
    for (const c of block.convs) [h, w] = conv(c, h, w);
    if (block.shortcutConv) {
      const pooled: [number, number] =
        spec.shortcut === 'avgpool-conv' ? [Math.ceil(inH / block.stride), Math.ceil(inW / block.stride)] : [inH, inW];
      conv(block.shortcutConv, pooled[0], pooled[1]);
    }
  }
  if (numClasses !== null) total += numClasses * shape.featureDim;
  return total;
}
