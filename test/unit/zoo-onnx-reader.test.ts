import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError } from '../../main/util/errors.js';
import { parseOnnxModel } from '../../main/zoo/onnx/onnx-reader.js';
import { encodeModel, type OnnxModel } from '../../main/zoo/onnx/onnx-writer.js';

const model: OnnxModel = {
  graphName: 'g',
  producerName: 'fieldmark',
  producerVersion: '0.1.0',
  nodes: [
    {
      opType: 'DequantizeLinear',
      name: 'dq',
      inputs: ['w', 's', 'z'],
      outputs: ['wf'],
      attributes: [{ name: 'axis', kind: 'int', value: 0 }],
    },
    {
      opType: 'Conv',
      name: 'conv',
      inputs: ['input', 'wf'],
      outputs: ['y'],
      attributes: [
        { name: 'pads', kind: 'ints', value: [1, 1, 1, 1] },
        { name: 'alpha', kind: 'float', value: 0.5 },
        { name: 'mode', kind: 'string', value: 'constant' },
      ],
    },
  ],
  initializers: [
    { name: 'w', dims: [2, 1, 1, 1], data: Int8Array.from([-127, 5]) },
    { name: 's', dims: [2], data: Float32Array.from([0.5, 0.25]) },
    { name: 'z', dims: [2], data: new Int8Array(2) },
    { name: 'u', dims: [], data: Uint8Array.of(200) },
    { name: 'b', dims: [2], data: Int32Array.from([-70000, 3]) },
    { name: 'i', dims: [1], data: BigInt64Array.of(-5n) },
  ],
  inputs: [{ name: 'input', elemType: 'float32', shape: ['batch', 1, 4, 4] }],
  outputs: [{ name: 'y', elemType: 'float32', shape: null }],
  metadata: { fieldmark: '{"a":1}', other: 'x' },
};

test('an ONNX model written by the writer reads back identically (int8, uint8, int32 tensors, unknown shapes)', () => {
  const parsed = parseOnnxModel(encodeModel(model).toBytes());
  assert.equal(parsed.opset, 17);
  assert.deepEqual(parsed.nodes, model.nodes);
  assert.deepEqual(parsed.initializers, model.initializers);
  assert.deepEqual(parsed.inputs, model.inputs);
  assert.deepEqual(parsed.outputs, model.outputs);
  assert.deepEqual(parsed.metadata, model.metadata);
});

test('bytes that are not an ONNX model are refused as ModelInvalid', () => {
  const invalid = (bytes: Uint8Array) =>
    assert.throws(
      () => parseOnnxModel(bytes),
      (e: unknown) => e instanceof FieldmarkError && e.kind === 'ModelInvalid',
    );
  invalid(Uint8Array.from([0x0a, 0xff, 0x01]));
  invalid(new Uint8Array(0));
  invalid(encodeModel({ ...model, nodes: [] }).toBytes());
});
