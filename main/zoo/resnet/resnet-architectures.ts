/**
 * The named ResNet architectures Fieldmark knows, as ResNetSpecs.
 * Depths and widths: mmpretrain `mmpretrain/models/backbones/resnet.py` (arch_settings),
 * `resnet_cifar.py`, `configs/_base_/models/wide-resnet50.py` (base_channels=128, expansion=2),
 * and akamaster/pytorch_resnet_cifar10 `resnet.py` (6n+2 layers, widths 16/32/64).
 */
import { FieldmarkError } from '../../util/errors.js';
import type { ResNetSpec, ShortcutKind, StageSpec, StemSpec } from './resnet-spec.js';

const BN_EPS = 1e-5;

/** Stage depths of the ImageNet ResNets (He et al. 2016, table 1). */
const IMAGENET_DEPTHS: Record<number, { block: 'basic' | 'bottleneck'; blocks: number[] }> = {
  18: { block: 'basic', blocks: [2, 2, 2, 2] },
  34: { block: 'basic', blocks: [3, 4, 6, 3] },
  50: { block: 'bottleneck', blocks: [3, 4, 6, 3] },
  101: { block: 'bottleneck', blocks: [3, 4, 23, 3] },
  152: { block: 'bottleneck', blocks: [3, 8, 36, 3] },
};

/** n of the 6n+2-layer CIFAR ResNets. */
const AKAMASTER_DEPTHS: Record<number, number> = { 20: 3, 32: 5, 44: 7, 56: 9, 110: 18, 1202: 200 };

function imagenetStages(
  depth: number,
  widthFactor: number,
  strides: number[],
): { block: 'basic' | 'bottleneck'; stages: StageSpec[] } {
  const setting = IMAGENET_DEPTHS[depth];
  if (!setting) throw new Error(`no ImageNet ResNet of depth ${depth}`);
  const stages = setting.blocks.map((blocks, i) => {
    const planes = 64 * 2 ** i;
    const stride = strides[i] ?? 2;
    if (setting.block === 'basic') return { blocks, midChannels: planes, outChannels: planes, stride };
    // Wide ResNet doubles the bottleneck's inner width; the block output stays planes*4.
    return { blocks, midChannels: planes * widthFactor, outChannels: planes * 4, stride };
  });
  return { block: setting.block, stages };
}

function imagenetResNet(depth: number, stem: StemSpec, shortcut: ShortcutKind, widthFactor = 1): ResNetSpec {
  const { block, stages } = imagenetStages(depth, widthFactor, [1, 2, 2, 2]);
  return { block, stem, stages, shortcut, bnEps: BN_EPS };
}

function akamasterResNet(n: number): ResNetSpec {
  const stages = [16, 32, 64].map((width, i) => ({
    blocks: n,
    midChannels: width,
    outChannels: width,
    stride: i === 0 ? 1 : 2,
  }));
  return { block: 'basic', stem: { kind: 'cifar3x3', channels: 16 }, stages, shortcut: 'zero-pad', bnEps: BN_EPS };
}

function buildArchitectureTable(): Map<string, ResNetSpec> {
  const table = new Map<string, ResNetSpec>();
  const plain: StemSpec = { kind: 'plain7x7', channels: 64 };
  const deep: StemSpec = { kind: 'deep', channels: [32, 32, 64] };
  const cifar: StemSpec = { kind: 'cifar3x3', channels: 64 };
  for (const depth of [18, 34, 50, 101, 152]) {
    table.set(`resnet${depth}`, imagenetResNet(depth, plain, 'conv'));
    table.set(`resnet${depth}-cifar`, imagenetResNet(depth, cifar, 'conv'));
  }
  for (const depth of [50, 101, 152]) {
    table.set(`resnetv1c${depth}`, imagenetResNet(depth, deep, 'conv'));
    table.set(`resnetv1d${depth}`, imagenetResNet(depth, deep, 'avgpool-conv'));
  }
  for (const depth of [50, 101]) table.set(`wide-resnet${depth}`, imagenetResNet(depth, plain, 'conv', 2));
  for (const [depth, n] of Object.entries(AKAMASTER_DEPTHS)) table.set(`akamaster-resnet${depth}`, akamasterResNet(n));
  return table;
}

const ARCHITECTURES = buildArchitectureTable();

/** Every architecture name `architectureSpec` accepts. */
export const ARCHITECTURE_NAMES: readonly string[] = [...ARCHITECTURES.keys()];

/** Whether the architecture takes CIFAR-sized 32x32 input (3x3 stem, no max-pool). */
export function isCifarArchitecture(name: string): boolean {
  return name.endsWith('-cifar') || name.startsWith('akamaster-');
}

/**
 * The spec of a named architecture (a fresh copy the caller may change).
 * @throws FieldmarkError InvalidArgument for an unknown name, listing the known ones.
 */
export function architectureSpec(name: string): ResNetSpec {
  const spec = ARCHITECTURES.get(name);
  if (!spec) {
    throw new FieldmarkError(
      'InvalidArgument',
      `unknown architecture "${name}": expected one of ${ARCHITECTURE_NAMES.join(', ')}`,
    );
  }
  return structuredClone(spec);
}
