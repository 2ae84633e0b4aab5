/**
 * Rewrites a float ResNet graph into ONNX QDQ form that onnxruntime's CPU provider fuses into
 * int8 kernels: every Conv becomes DQ(x) -> Conv(DQ(w int8 per-channel), DQ(b int32)) -> Q,
 * which the QDQ transformer turns into QLinearConv; residual Adds get QDQ on both inputs and
 * the output (QLinearAdd); the head Gemm gets int8 per-channel weights and a float input.
 * A ReLU right after a Conv or Add is folded into the following QuantizeLinear: with uint8 and
 * zero point 0 the quantizer clamps at 0 itself, which is what onnxruntime does with such a ReLU
 * anyway (ReluQuantFusion). MaxPool keeps its input's scale so it runs on uint8.
 * The graph's outputs stay float: `features` is the average pool of dequantized values.
 * Options (precision.ts) keep chosen Conv/Gemm nodes float, or every residual Add: then the Add
 * and its Relu run in float on the float skip path, and only the Conv outputs feeding them are rounded.
 */
import { FieldmarkError } from '../../util/errors.js';
import type { OnnxModel, OnnxNode, OnnxTensor } from '../onnx/onnx-writer.js';
import { activationParams, quantizeBias, quantizeWeightsPerChannel, type ActivationParams } from './quant-params.js';

/** Operators the quantizer knows how to treat; anything else in a graph is refused. */
const QUANTIZED_OPS = new Set(['Conv', 'Gemm', 'Add']);
const FLOAT_OPS = new Set(['Relu', 'GlobalAveragePool', 'Flatten', 'Softmax', 'AveragePool', 'Mul']);
/** Ops whose output takes the input's quantization (pure data movement or max). */
const SAME_SCALE_OPS = new Set(['MaxPool', 'Slice', 'Pad']);

export interface QdqPlan {
  /** Float tensors that get a QuantizeLinear (and a DequantizeLinear per consumer). */
  quantizedTensors: string[];
  /** Tensors whose range must come from calibration (the rest inherit or are the input). */
  calibratedTensors: string[];
  /** Relu nodes folded into the quantizer of their input's producer. */
  foldedRelus: Map<string, string>;
  /** Conv/Gemm nodes kept entirely in float (weights, bias and accumulator): see precision.ts. */
  floatNodes: ReadonlySet<string>;
  /** Residual Adds run on uint8 (QLinearAdd); the others add in float. */
  int8Adds: ReadonlySet<string>;
}

export interface QdqPlanOptions {
  /** Conv/Gemm node names to keep in float. */
  floatNodes?: ReadonlySet<string>;
  /** Keep residual Adds (and so the skip path) in float instead of QLinearAdd. */
  floatResiduals?: boolean;
}

function consumersOf(nodes: OnnxNode[]): Map<string, OnnxNode[]> {
  const map = new Map<string, OnnxNode[]>();
  for (const node of nodes) for (const input of node.inputs) map.set(input, [...(map.get(input) ?? []), node]);
  return map;
}

/**
 * Which tensors to quantize in `model`, after checking it only uses operators the quantizer knows;
 * the Conv/Gemm nodes named in `floatNodes` stay float (their inputs are quantized only where another reader needs it).
 * @throws FieldmarkError ModelInvalid naming the operators it cannot quantize.
 */
export function planQdq(model: OnnxModel, options: QdqPlanOptions = {}): QdqPlan {
  const floatNodes = options.floatNodes ?? new Set<string>();
  const unknown = [
    ...new Set(
      model.nodes
        .map((n) => n.opType)
        .filter((op) => !QUANTIZED_OPS.has(op) && !FLOAT_OPS.has(op) && !SAME_SCALE_OPS.has(op)),
    ),
  ];
  if (unknown.length > 0) {
    throw new FieldmarkError(
      'ModelInvalid',
      `cannot quantize this model: expected only Conv, Gemm, Add, Mul, Relu, MaxPool, pooling, Flatten, Slice, Pad and Softmax nodes, received ${unknown.join(', ')}`,
    );
  }
  if (model.nodes.some((n) => n.opType === 'Conv' || n.opType === 'Gemm') === false) {
    throw new FieldmarkError('ModelInvalid', 'cannot quantize this model: it has no Conv or Gemm node');
  }
  const initializers = new Set(model.initializers.map((t) => t.name));
  const graphOutputs = new Set(model.outputs.map((o) => o.name));
  const consumers = consumersOf(model.nodes);
  const producer = new Map<string, OnnxNode>();
  for (const node of model.nodes) for (const output of node.outputs) producer.set(output, node);

  // A residual Add sums two activations; an Add of a constant (the pixel rewrite's mean) stays float.
  const residual = (node: OnnxNode): boolean =>
    options.floatResiduals !== true && node.opType === 'Add' && node.inputs.every((input) => !initializers.has(input));
  const quantizedConv = (node: OnnxNode): boolean => node.opType === 'Conv' && !floatNodes.has(node.name);
  const foldedRelus = new Map<string, string>();
  for (const node of model.nodes) {
    if (node.opType !== 'Relu') continue;
    const input = node.inputs[0] as string;
    const from = producer.get(input);
    if (
      from &&
      (quantizedConv(from) || residual(from)) &&
      (consumers.get(input)?.length ?? 0) === 1 &&
      !graphOutputs.has(input)
    ) {
      foldedRelus.set(node.name, input);
    }
  }
  // The tensor a folded Conv/Add output stands for is the Relu's output.
  const quantized = new Set<string>();
  for (const node of model.nodes) {
    // The head Gemm keeps a float input (its weights are still int8): it is ~0.05% of ResNet-50's
    // multiply-adds, and rounding the pooled features alone cost 0.25 points of top-1 agreement on ResNet-20.
    if (quantizedConv(node)) quantized.add(node.inputs[0] as string);
    if (residual(node)) for (const input of node.inputs) quantized.add(input);
    if (quantizedConv(node) || residual(node)) {
      const out = node.outputs[0] as string;
      const relu = (consumers.get(out) ?? []).find((c) => foldedRelus.has(c.name));
      quantized.add(relu ? (relu.outputs[0] as string) : out);
    }
  }
  // A same-scale op takes its quantization from its input: after a float first conv (MaxPool after
  // ResNet-50's stem) that input is not a quantized op's output, so it gets its own quantizer.
  for (const tensor of [...quantized]) {
    let source = tensor;
    while (SAME_SCALE_OPS.has(producer.get(source)?.opType ?? '')) source = producer.get(source)?.inputs[0] as string;
    quantized.add(source);
  }
  const inputs = new Set(model.inputs.map((i) => i.name));
  const calibrated = [...quantized].filter((t) => !inputs.has(t) && !SAME_SCALE_OPS.has(producer.get(t)?.opType ?? ''));
  const int8Adds = new Set(model.nodes.filter(residual).map((n) => n.name));
  return { quantizedTensors: [...quantized], calibratedTensors: calibrated, foldedRelus, floatNodes, int8Adds };
}

/**
 * The QDQ model of `model` with the activation ranges in `ranges` (for every calibrated tensor
 * and the graph input).
 */
export function buildQdqModel(
  model: OnnxModel,
  plan: QdqPlan,
  ranges: Map<string, { min: number; max: number }>,
): OnnxModel {
  const initializers = new Map(model.initializers.map((t) => [t.name, t]));
  const producer = new Map<string, OnnxNode>();
  for (const node of model.nodes) for (const output of node.outputs) producer.set(output, node);
  // Folding: the Relu disappears and its producer writes the Relu's output name directly.
  const renamed = new Map<string, string>();
  for (const node of model.nodes)
    if (plan.foldedRelus.has(node.name)) renamed.set(node.inputs[0] as string, node.outputs[0] as string);
  const kept = model.nodes
    .filter((n) => !plan.foldedRelus.has(n.name))
    .map((n) => ({ ...n, outputs: n.outputs.map((o) => renamed.get(o) ?? o) }));

  const params = new Map<string, ActivationParams>();
  const paramsOf = (tensor: string): ActivationParams => {
    const known = params.get(tensor);
    if (known) return known;
    const from = kept.find((n) => n.outputs.includes(tensor));
    const range = ranges.get(tensor);
    let result: ActivationParams;
    if (from && SAME_SCALE_OPS.has(from.opType)) result = paramsOf(from.inputs[0] as string);
    else if (range) result = activationParams(range.min, range.max);
    else throw new FieldmarkError('Internal', `no calibration range for tensor ${tensor}`);
    params.set(tensor, result);
    return result;
  };

  const nodes: OnnxNode[] = [];
  const weighted = kept.filter((n) => (n.opType === 'Conv' || n.opType === 'Gemm') && !plan.floatNodes.has(n.name));
  const newInitializers: OnnxTensor[] = model.initializers.filter((t) => !isQuantizedWeight(t.name, weighted));
  const scalar = (name: string, data: Float32Array | Uint8Array): string => {
    newInitializers.push({ name, dims: [], data });
    return name;
  };
  const quantizedSet = new Set(plan.quantizedTensors);
  const dequantizedInput = new Map<string, number>();
  /** A DequantizeLinear of tensor `t`'s quantized form, one per consumer (onnxruntime groups DQ with its node). */
  const dequantize = (t: string): string => {
    const count = (dequantizedInput.get(t) ?? 0) + 1;
    dequantizedInput.set(t, count);
    const out = `${t}.dq${count}`;
    nodes.push({
      opType: 'DequantizeLinear',
      name: out,
      inputs: [`${t}.q`, `${t}.scale`, `${t}.zero_point`],
      outputs: [out],
    });
    return out;
  };
  const quantize = (t: string): void => {
    const p = paramsOf(t);
    scalar(`${t}.scale`, Float32Array.of(p.scale));
    scalar(`${t}.zero_point`, Uint8Array.of(p.zeroPoint));
    nodes.push({
      opType: 'QuantizeLinear',
      name: `${t}.quantize`,
      inputs: [t, `${t}.scale`, `${t}.zero_point`],
      outputs: [`${t}.q`],
    });
  };

  // Nodes onnxruntime fuses into int8 kernels: they read dequantized inputs, and their outputs exist only quantized.
  const fused = kept.filter((n) => (n.opType === 'Conv' && weighted.includes(n)) || plan.int8Adds.has(n.name));
  const fusedOutputs = new Set(fused.flatMap((n) => n.outputs));
  for (const input of model.inputs) if (quantizedSet.has(input.name)) quantize(input.name);
  for (const node of kept) {
    const inputs = node.inputs.map((input, index) => {
      if (!quantizedSet.has(input)) return input;
      if (weighted.includes(node) && index > 0) return input;
      // A float node reads the float tensor where one exists (e.g. the skip path of a float residual Add);
      // a same-scale op whose output is quantized runs on uint8 (DQ -> MaxPool -> Q fuses).
      const sameScaleQuantized = SAME_SCALE_OPS.has(node.opType) && node.outputs.some((o) => quantizedSet.has(o));
      if (!fused.includes(node) && !sameScaleQuantized && !fusedOutputs.has(input)) return input;
      return dequantize(input);
    });
    if (weighted.includes(node)) {
      const inputScale = quantizedSet.has(node.inputs[0] as string) ? paramsOf(node.inputs[0] as string).scale : null;
      const weightInputs = quantizeWeightNode(node, initializers, inputScale, newInitializers, nodes);
      nodes.push({ ...node, inputs: [inputs[0] as string, ...weightInputs] });
    } else {
      nodes.push({ ...node, inputs });
    }
    for (const output of node.outputs) if (quantizedSet.has(output)) quantize(output);
  }
  return { ...model, nodes, initializers: newInitializers };
}

/** Whether `name` is the weight or bias of one of the Conv/Gemm nodes being quantized. */
function isQuantizedWeight(name: string, weighted: OnnxNode[]): boolean {
  return weighted.some((n) => n.inputs[1] === name || n.inputs[2] === name);
}

/** Adds the int8 weight, int32 bias and their DequantizeLinear nodes; returns the node's new weight inputs. */
function quantizeWeightNode(
  node: OnnxNode,
  initializers: Map<string, OnnxTensor>,
  inputScale: number | null,
  out: OnnxTensor[],
  nodes: OnnxNode[],
): string[] {
  const weight = initializers.get(node.inputs[1] as string);
  if (!weight || !(weight.data instanceof Float32Array)) {
    throw new FieldmarkError(
      'ModelInvalid',
      `cannot quantize ${node.opType} ${node.name}: expected its weight to be a float initializer`,
    );
  }
  if (node.opType === 'Gemm') {
    const transB = node.attributes?.find((a) => a.name === 'transB');
    if (!transB || transB.kind !== 'int' || transB.value !== 1) {
      throw new FieldmarkError(
        'ModelInvalid',
        `cannot quantize Gemm ${node.name}: expected transB=1 (weights [out, in])`,
      );
    }
  }
  const channels = weight.dims[0] as number;
  const q = quantizeWeightsPerChannel(weight.data, channels);
  const base = node.inputs[1] as string;
  out.push({ name: `${base}.int8`, dims: weight.dims, data: q.values });
  out.push({ name: `${base}.scale`, dims: [channels], data: q.scales });
  out.push({ name: `${base}.zero_point`, dims: [channels], data: new Int8Array(channels) });
  nodes.push({
    opType: 'DequantizeLinear',
    name: `${base}.dq`,
    inputs: [`${base}.int8`, `${base}.scale`, `${base}.zero_point`],
    outputs: [`${base}.dq`],
    attributes: [{ name: 'axis', kind: 'int', value: 0 }],
  });
  const result = [`${base}.dq`];
  const biasName = node.inputs[2];
  if (biasName && inputScale === null) {
    // A float input means a float accumulator: the bias stays float too.
    const bias = initializers.get(biasName);
    if (bias) out.push(bias);
    result.push(biasName);
  } else if (biasName && inputScale !== null) {
    const bias = initializers.get(biasName);
    if (!bias || !(bias.data instanceof Float32Array))
      throw new FieldmarkError(
        'ModelInvalid',
        `cannot quantize ${node.name}: expected its bias to be a float initializer`,
      );
    const b = quantizeBias(bias.data, inputScale, q.scales);
    out.push({ name: `${biasName}.int32`, dims: bias.dims, data: b.values });
    out.push({ name: `${biasName}.scale`, dims: [channels], data: b.scales });
    out.push({ name: `${biasName}.zero_point`, dims: [channels], data: new Int32Array(channels) });
    nodes.push({
      opType: 'DequantizeLinear',
      name: `${biasName}.dq`,
      inputs: [`${biasName}.int32`, `${biasName}.scale`, `${biasName}.zero_point`],
      outputs: [`${biasName}.dq`],
      attributes: [{ name: 'axis', kind: 'int', value: 0 }],
    });
    result.push(`${biasName}.dq`);
  }
  return result;
}
