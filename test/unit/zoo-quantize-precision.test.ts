import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OnnxModel, OnnxNode } from '../../main/zoo/onnx/onnx-writer.js';
import { defaultPrecision, planOptionsFor } from '../../main/zoo/quantize/precision.js';
import { buildQdqModel, planQdq } from '../../main/zoo/quantize/qdq-graph.js';

const conv = (name: string, input: string, output: string): OnnxNode => ({
  opType: 'Conv',
  name,
  inputs: [input, `${name}.weight`, `${name}.bias`],
  outputs: [output],
});

/** input -> c1 -> relu1 -> c2 -> Add(c2, relu1) -> relu2 -> pool -> flatten -> fc: one residual block. */
function residualBlock(): OnnxModel {
  const weight = (name: string, dims: number[]) => ({
    name,
    dims,
    data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i % 7) - 3) / 10),
  });
  return {
    graphName: 'block',
    producerName: 'test',
    producerVersion: '0',
    nodes: [
      conv('c1', 'input', 'c1.out'),
      { opType: 'Relu', name: 'relu1', inputs: ['c1.out'], outputs: ['relu1.out'] },
      conv('c2', 'relu1.out', 'c2.out'),
      { opType: 'Add', name: 'add', inputs: ['c2.out', 'relu1.out'], outputs: ['add.out'] },
      { opType: 'Relu', name: 'relu2', inputs: ['add.out'], outputs: ['relu2.out'] },
      { opType: 'GlobalAveragePool', name: 'pool', inputs: ['relu2.out'], outputs: ['pool.out'] },
      { opType: 'Flatten', name: 'flatten', inputs: ['pool.out'], outputs: ['features'] },
      {
        opType: 'Gemm',
        name: 'fc',
        inputs: ['features', 'fc.weight', 'fc.bias'],
        outputs: ['logits'],
        attributes: [{ name: 'transB', kind: 'int', value: 1 }],
      },
    ],
    initializers: [
      weight('c1.weight', [2, 3, 1, 1]),
      weight('c1.bias', [2]),
      weight('c2.weight', [2, 2, 1, 1]),
      weight('c2.bias', [2]),
      weight('fc.weight', [4, 2]),
      weight('fc.bias', [4]),
    ],
    inputs: [{ name: 'input', elemType: 'float32', shape: [1, 3, 2, 2] }],
    outputs: [
      { name: 'logits', elemType: 'float32', shape: [1, 4] },
      { name: 'features', elemType: 'float32', shape: [1, 2] },
    ],
    metadata: {},
  };
}

const ranges = (names: string[]) => new Map(names.map((name) => [name, { min: -1, max: 2 }]));

test('default precision: mixed for CIFAR-size inputs, int8 for photo-size ones', () => {
  assert.equal(defaultPrecision({ width: 32, height: 32 }), 'mixed');
  assert.equal(defaultPrecision({ width: 64, height: 64 }), 'mixed');
  assert.equal(defaultPrecision({ width: 224, height: 224 }), 'int8');
  assert.equal(defaultPrecision({ width: 32, height: 96 }), 'int8');
});

test('int8 precision: residual Add quantized on both inputs and its output, Relus folded', () => {
  const model = residualBlock();
  assert.deepEqual(planOptionsFor(model, 'int8'), {});
  const plan = planQdq(model, planOptionsFor(model, 'int8'));
  assert.deepEqual([...plan.int8Adds], ['add']);
  assert.deepEqual([...plan.foldedRelus.keys()].sort(), ['relu1', 'relu2']);
  assert.deepEqual(plan.quantizedTensors.sort(), ['c2.out', 'input', 'relu1.out', 'relu2.out']);
  const built = buildQdqModel(model, plan, ranges(plan.quantizedTensors));
  const add = built.nodes.find((n) => n.name === 'add') as OnnxNode;
  assert.ok(
    add.inputs.every((input) => input.includes('.dq')),
    `QLinearAdd reads dequantized inputs: ${add.inputs}`,
  );
});

test('mixed precision: first conv float on the raw input, residual Add and its Relu float on the float skip path', () => {
  const model = residualBlock();
  const options = planOptionsFor(model, 'mixed');
  assert.deepEqual([...(options.floatNodes ?? [])], ['c1']);
  const plan = planQdq(model, options);
  assert.equal(plan.int8Adds.size, 0);
  assert.deepEqual([...plan.foldedRelus.keys()], [], 'no Relu folded: c1 is float and the Add is float');
  // Only c2's input (the Relu after the float c1) and its output are rounded.
  assert.deepEqual(plan.quantizedTensors.sort(), ['c2.out', 'relu1.out']);
  const built = buildQdqModel(model, plan, ranges(plan.quantizedTensors));
  const byName = new Map(built.nodes.map((n) => [n.name, n]));
  assert.deepEqual(byName.get('c1')?.inputs, ['input', 'c1.weight', 'c1.bias'], 'c1 keeps float weights and input');
  assert.ok(built.initializers.some((t) => t.name === 'c1.weight' && t.data instanceof Float32Array));
  assert.match(byName.get('c2')?.inputs[0] ?? '', /^relu1\.out\.dq/, 'c2 reads the rounded Relu output');
  assert.deepEqual(
    byName.get('add')?.inputs.map((input) => (input.startsWith('c2.out.dq') ? 'c2 (rounded)' : input)),
    ['c2 (rounded)', 'relu1.out'],
    'the skip path is the float tensor',
  );
  assert.equal(built.nodes.filter((n) => n.opType === 'Relu').length, 2);
  assert.ok(!built.nodes.some((n) => n.opType === 'QuantizeLinear' && n.inputs[0] === 'input'));
});

test('mixed precision with a MaxPool after the float first conv (ResNet-50 stem): the pool runs on uint8 from its own quantizer', () => {
  const block = residualBlock();
  const model: OnnxModel = {
    ...block,
    nodes: [
      conv('c1', 'input', 'c1.out'),
      { opType: 'Relu', name: 'relu1', inputs: ['c1.out'], outputs: ['relu1.pre'] },
      { opType: 'MaxPool', name: 'pool1', inputs: ['relu1.pre'], outputs: ['relu1.out'] },
      ...block.nodes.slice(2),
    ],
  };
  const plan = planQdq(model, planOptionsFor(model, 'mixed'));
  assert.ok(plan.calibratedTensors.includes('relu1.pre'), 'the Relu before the pool is calibrated');
  assert.ok(!plan.calibratedTensors.includes('relu1.out'), 'the pool output inherits its scale');
  const built = buildQdqModel(model, plan, ranges(plan.calibratedTensors));
  const pool = built.nodes.find((n) => n.name === 'pool1');
  assert.match(pool?.inputs[0] ?? '', /^relu1\.pre\.dq/);
  const scale = (name: string) => built.initializers.find((t) => t.name === `${name}.scale`)?.data[0];
  assert.equal(scale('relu1.out'), scale('relu1.pre'));
});
