/**
 * Deterministic random weights for test and benchmark models: the same seed gives the same
 * bytes on every machine. Convs are Kaiming-normal (fan_out, ReLU gain, as torchvision
 * initialises ResNets); batch norms get random, non-trivial running statistics so that BN
 * folding is exercised; the head is scaled so that the softmax is neither flat nor one-hot.
 */
import { mulberry32 } from '../../util/seeded-random.js';
import { resnetShape, type ConvBnShape, type ResNetSpec } from './resnet-spec.js';
import { allocateWeights, type ConvBnWeights, type ResNetWeights } from './resnet-weights.js';

export { mulberry32 };

/** Standard normal samples by the Box-Muller transform over `uniform`. */
export function normalSampler(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

interface Random {
  uniform: () => number;
  normal: () => number;
}

function fillConvBn(target: ConvBnWeights, shape: ConvBnShape, random: Random, gammaRange: [number, number]): void {
  const fanOut = shape.outChannels * shape.kernel * shape.kernel;
  const std = Math.sqrt(2 / fanOut);
  for (let i = 0; i < target.convWeight.length; i += 1) target.convWeight[i] = random.normal() * std;
  for (let o = 0; o < shape.outChannels; o += 1) {
    target.bnWeight[o] = gammaRange[0] + (gammaRange[1] - gammaRange[0]) * random.uniform();
    target.bnBias[o] = 0.1 * random.normal();
    target.bnMean[o] = 0.1 * random.normal();
    target.bnVar[o] = 0.5 + random.uniform();
  }
}

/**
 * Seeded, untrained weights for `spec` with a `numClasses`-way head.
 * The last BN of each residual branch gets a small gamma so that the sum of many blocks stays
 * bounded (the idea behind "zero-init residual"), and the features stay in a useful range.
 */
export function seededWeights(spec: ResNetSpec, numClasses: number, seed: number): ResNetWeights {
  const uniform = mulberry32(seed);
  const random: Random = { uniform, normal: normalSampler(uniform) };
  const shape = resnetShape(spec);
  const weights = allocateWeights(spec, numClasses);
  shape.stem.forEach((convShape, i) => fillConvBn(weights.stem[i] as ConvBnWeights, convShape, random, [0.5, 1.5]));
  shape.blocks.forEach((block, b) => {
    const target = weights.blocks[b];
    if (!target) return;
    block.convs.forEach((convShape, c) => {
      const last = c === block.convs.length - 1;
      fillConvBn(target.convs[c] as ConvBnWeights, convShape, random, last ? [0.1, 0.4] : [0.5, 1.5]);
    });
    if (block.shortcutConv && target.shortcut) fillConvBn(target.shortcut, block.shortcutConv, random, [0.5, 1.5]);
  });
  const head = weights.head;
  if (head) {
    // Logit spread of a few units for feature vectors of norm ~sqrt(D): softmax is informative.
    const std = 2 / Math.sqrt(shape.featureDim);
    for (let i = 0; i < head.weight.length; i += 1) head.weight[i] = random.normal() * std;
    for (let k = 0; k < head.bias.length; k += 1) head.bias[k] = 0.1 * random.normal();
  }
  return weights;
}
