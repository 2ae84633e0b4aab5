/**
 * Builds the ONNX graph of a ResNet from its spec and (unfolded) weights. Batch norm is folded
 * into the preceding conv (inference mode: y = gamma * (x - mean) / sqrt(var + eps) + beta), so
 * each conv gets a bias. Outputs: `probabilities` (softmax of the logits) and `features` (the
 * globally average-pooled vector before the head, not normalised).
 */
import { FieldmarkError } from '../../util/errors.js';
import { MODEL_FEATURES_OUTPUT, MODEL_INPUT_NAME, MODEL_PROBABILITIES_OUTPUT } from '../onnx/model-metadata.js';
import type { OnnxModel, OnnxNode, OnnxTensor } from '../onnx/onnx-writer.js';
import { resnetShape, type ConvBnShape, type ResNetSpec } from './resnet-spec.js';
import type { ConvBnWeights, ResNetWeights } from './resnet-weights.js';

export interface ResNetGraphOptions {
  inputHeight: number;
  inputWidth: number;
  /** metadata_props of the model file. */
  metadata: Record<string, string>;
  graphName?: string;
  producerVersion?: string;
  /** Adds the pre-softmax `logits` as a third output (for comparisons with reference logits). */
  exposeLogits?: boolean;
}

/** Folds a batch norm into the conv before it: returns the scaled weights and the new bias. */
export function foldBatchNorm(
  shape: ConvBnShape,
  weights: ConvBnWeights,
  eps: number,
): { weight: Float32Array; bias: Float32Array } {
  const out = shape.outChannels;
  const perChannel = shape.inChannels * shape.kernel * shape.kernel;
  if (weights.convWeight.length !== out * perChannel) {
    throw new FieldmarkError(
      'CheckpointInvalid',
      `conv weight has ${weights.convWeight.length} values, expected ${out}x${shape.inChannels}x${shape.kernel}x${shape.kernel}`,
    );
  }
  const weight = new Float32Array(weights.convWeight.length);
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o += 1) {
    const scale = (weights.bnWeight[o] as number) / Math.sqrt((weights.bnVar[o] as number) + eps);
    bias[o] = (weights.bnBias[o] as number) - (weights.bnMean[o] as number) * scale;
    const start = o * perChannel;
    for (let i = start; i < start + perChannel; i += 1) weight[i] = (weights.convWeight[i] as number) * scale;
  }
  return { weight, bias };
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];

  node(opType: string, name: string, inputs: string[], attributes: OnnxNode['attributes'] = [], output = name): string {
    this.nodes.push({ opType, name, inputs, outputs: [output], attributes });
    return output;
  }

  constant(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** Conv with folded BN, optionally followed by ReLU; returns the output name. */
  convBn(name: string, input: string, shape: ConvBnShape, weights: ConvBnWeights, eps: number, relu: boolean): string {
    const folded = foldBatchNorm(shape, weights, eps);
    const w = this.constant(
      `${name}.weight`,
      [shape.outChannels, shape.inChannels, shape.kernel, shape.kernel],
      folded.weight,
    );
    const b = this.constant(`${name}.bias`, [shape.outChannels], folded.bias);
    const p = shape.padding;
    const conv = this.node(
      'Conv',
      name,
      [input, w, b],
      [
        { name: 'kernel_shape', kind: 'ints', value: [shape.kernel, shape.kernel] },
        { name: 'strides', kind: 'ints', value: [shape.stride, shape.stride] },
        { name: 'pads', kind: 'ints', value: [p, p, p, p] },
      ],
    );
    return relu ? this.node('Relu', `${name}.relu`, [conv]) : conv;
  }
}

function maxPool(graph: GraphBuilder, input: string): string {
  return graph.node(
    'MaxPool',
    'stem.maxpool',
    [input],
    [
      { name: 'kernel_shape', kind: 'ints', value: [3, 3] },
      { name: 'strides', kind: 'ints', value: [2, 2] },
      { name: 'pads', kind: 'ints', value: [1, 1, 1, 1] },
    ],
  );
}

const INT64_MAX = (1n << 63n) - 1n;

/** akamaster option A: subsample rows/cols by the stride, zero-pad the channels on both sides. */
function zeroPadShortcut(
  graph: GraphBuilder,
  name: string,
  input: string,
  inChannels: number,
  outChannels: number,
  stride: number,
): string {
  let x = input;
  if (stride !== 1) {
    const starts = graph.constant(`${name}.starts`, [2], BigInt64Array.from([0n, 0n]));
    const ends = graph.constant(`${name}.ends`, [2], BigInt64Array.from([INT64_MAX, INT64_MAX]));
    const axes = graph.constant(`${name}.axes`, [2], BigInt64Array.from([2n, 3n]));
    const steps = graph.constant(`${name}.steps`, [2], BigInt64Array.from([BigInt(stride), BigInt(stride)]));
    x = graph.node('Slice', `${name}.subsample`, [x, starts, ends, axes, steps]);
  }
  const extra = outChannels - inChannels;
  if (extra !== 0) {
    const before = BigInt(Math.floor(extra / 2));
    const after = BigInt(extra) - before;
    // ONNX pads: [x1_begin, x2_begin, ..., x1_end, x2_end, ...] over N, C, H, W.
    const pads = graph.constant(`${name}.pads`, [8], BigInt64Array.from([0n, before, 0n, 0n, 0n, after, 0n, 0n]));
    x = graph.node('Pad', `${name}.pad`, [x, pads], [{ name: 'mode', kind: 'string', value: 'constant' }]);
  }
  return x;
}

/**
 * The ONNX model of `spec` with `weights`, input `input` [batch, 3, H, W].
 * @throws FieldmarkError CheckpointInvalid when the weights do not fit the spec.
 */
export function buildResNetGraph(spec: ResNetSpec, weights: ResNetWeights, options: ResNetGraphOptions): OnnxModel {
  const shape = resnetShape(spec);
  const head = weights.head;
  if (!head)
    throw new FieldmarkError(
      'CheckpointInvalid',
      'the network has no classification head: expected fc weight and bias',
    );
  const numClasses = head.bias.length;
  if (head.weight.length !== numClasses * shape.featureDim) {
    throw new FieldmarkError(
      'CheckpointInvalid',
      `head weight has ${head.weight.length} values, expected ${numClasses}x${shape.featureDim}`,
    );
  }
  const graph = new GraphBuilder();
  const eps = spec.bnEps;

  let x = MODEL_INPUT_NAME;
  shape.stem.forEach((convShape, i) => {
    const w = weights.stem[i];
    if (!w) throw new FieldmarkError('CheckpointInvalid', `stem conv ${i} has no weights`);
    x = graph.convBn(`stem.${i}`, x, convShape, w, eps, true);
  });
  if (spec.stem.kind !== 'cifar3x3') x = maxPool(graph, x);

  shape.blocks.forEach((block, b) => {
    const w = weights.blocks[b];
    if (!w) throw new FieldmarkError('CheckpointInvalid', `block ${b} has no weights`);
    const name = `layer${block.stage + 1}.${block.index}`;
    const input = x;
    let y = input;
    block.convs.forEach((convShape, c) => {
      const cw = w.convs[c];
      if (!cw) throw new FieldmarkError('CheckpointInvalid', `${name}.conv${c + 1} has no weights`);
      y = graph.convBn(`${name}.conv${c + 1}`, y, convShape, cw, eps, c < block.convs.length - 1);
    });
    let shortcut = input;
    if (block.hasShortcut) {
      if (spec.shortcut === 'zero-pad') {
        shortcut = zeroPadShortcut(graph, `${name}.shortcut`, input, block.inChannels, block.outChannels, block.stride);
      } else {
        if (!block.shortcutConv || !w.shortcut)
          throw new FieldmarkError('CheckpointInvalid', `${name} needs downsample weights`);
        if (spec.shortcut === 'avgpool-conv' && block.stride !== 1) {
          shortcut = graph.node(
            'AveragePool',
            `${name}.downsample.pool`,
            [shortcut],
            [
              { name: 'kernel_shape', kind: 'ints', value: [block.stride, block.stride] },
              { name: 'strides', kind: 'ints', value: [block.stride, block.stride] },
              { name: 'ceil_mode', kind: 'int', value: 1 },
              { name: 'count_include_pad', kind: 'int', value: 0 },
            ],
          );
        }
        shortcut = graph.convBn(`${name}.downsample`, shortcut, block.shortcutConv, w.shortcut, eps, false);
      }
    }
    const sum = graph.node('Add', `${name}.add`, [y, shortcut]);
    x = graph.node('Relu', `${name}.relu`, [sum]);
  });

  const pooled = graph.node('GlobalAveragePool', 'neck.gap', [x]);
  const features = graph.node(
    'Flatten',
    'neck.flatten',
    [pooled],
    [{ name: 'axis', kind: 'int', value: 1 }],
    MODEL_FEATURES_OUTPUT,
  );
  const fcWeight = graph.constant('head.fc.weight', [numClasses, shape.featureDim], head.weight);
  const fcBias = graph.constant('head.fc.bias', [numClasses], head.bias);
  const logits = graph.node(
    'Gemm',
    'head.fc',
    [features, fcWeight, fcBias],
    [{ name: 'transB', kind: 'int', value: 1 }],
    'logits',
  );
  graph.node(
    'Softmax',
    'head.softmax',
    [logits],
    [{ name: 'axis', kind: 'int', value: 1 }],
    MODEL_PROBABILITIES_OUTPUT,
  );

  return {
    graphName: options.graphName ?? 'fieldmark-resnet',
    producerName: 'fieldmark',
    producerVersion: options.producerVersion ?? '0.1.0',
    nodes: graph.nodes,
    initializers: graph.initializers,
    inputs: [
      { name: MODEL_INPUT_NAME, elemType: 'float32', shape: ['batch', 3, options.inputHeight, options.inputWidth] },
    ],
    outputs: [
      { name: MODEL_PROBABILITIES_OUTPUT, elemType: 'float32', shape: ['batch', numClasses] },
      { name: MODEL_FEATURES_OUTPUT, elemType: 'float32', shape: ['batch', shape.featureDim] },
      ...(options.exposeLogits ? [{ name: 'logits', elemType: 'float32' as const, shape: ['batch', numClasses] }] : []),
    ],
    metadata: options.metadata,
  };
}
