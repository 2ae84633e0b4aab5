/**
 * Writes ONNX ModelProto files from a small in-memory graph description.
 * Field numbers follow onnx/onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto);
 * initializers are stored as raw_data (little-endian), as the ONNX spec requires.
 */
import { endianness } from 'node:os';
import { writeChunksAtomic } from '../../util/atomic-file.js';
import { ProtoMessage } from './protobuf-writer.js';
import { unreachable } from '../../util/errors.js';

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/** TensorProto.DataType values. */
const DATA_TYPE = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
/** AttributeProto.AttributeType values. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

export type OnnxDataType = keyof typeof DATA_TYPE;

/** The element arrays an initializer can hold (int8/uint8/int32 for quantized models). */
export type OnnxTensorData = Float32Array | BigInt64Array | Int8Array | Uint8Array | Int32Array;

/** The ONNX data type of an initializer's array. */
export function tensorDataType(data: OnnxTensorData): OnnxDataType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data: OnnxTensorData;
}

export type OnnxAttribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'ints'; value: number[] }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'floats'; value: number[] }
  | { name: string; kind: 'string'; value: string };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataType;
  /** A number is a fixed dimension, a string a symbolic one (dim_param), e.g. "batch"; null: rank unknown (no shape written). */
  shape: Array<number | string> | null;
}

export interface OnnxModel {
  graphName: string;
  producerName: string;
  producerVersion: string;
  docString?: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Written as metadata_props (StringStringEntryProto), in insertion order. */
  metadata: Record<string, string>;
}

function littleEndianBytes(data: OnnxTensorData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (endianness() === 'LE' || data.BYTES_PER_ELEMENT === 1) return bytes;
  // Big-endian hosts: swap each element so raw_data stays little-endian as ONNX specifies.
  const size = data.BYTES_PER_ELEMENT;
  const swapped = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += size) {
    for (let j = 0; j < size; j += 1) swapped[i + j] = bytes[i + size - 1 - j] as number;
  }
  return swapped;
}

export function encodeTensor(tensor: OnnxTensor): ProtoMessage {
  const expected = tensor.dims.reduce((a, b) => a * b, 1);
  if (expected !== tensor.data.length) {
    throw new RangeError(
      `tensor ${tensor.name}: dims [${tensor.dims.join(',')}] need ${expected} values, received ${tensor.data.length}`,
    );
  }
  const message = new ProtoMessage();
  message.repeatedVarints(1, tensor.dims);
  message.varint(2, DATA_TYPE[tensorDataType(tensor.data)]);
  message.string(8, tensor.name);
  message.bytes(9, littleEndianBytes(tensor.data));
  return message;
}

function encodeAttribute(attribute: OnnxAttribute): ProtoMessage {
  const message = new ProtoMessage().string(1, attribute.name);
  switch (attribute.kind) {
    case 'float':
      message.float32(2, attribute.value).varint(20, ATTRIBUTE_TYPE.float);
      break;
    case 'int':
      message.varint(3, attribute.value).varint(20, ATTRIBUTE_TYPE.int);
      break;
    case 'string':
      message.string(4, attribute.value).varint(20, ATTRIBUTE_TYPE.string);
      break;
    case 'floats':
      for (const value of attribute.value) message.float32(7, value);
      message.varint(20, ATTRIBUTE_TYPE.floats);
      break;
    case 'ints':
      message.repeatedVarints(8, attribute.value).varint(20, ATTRIBUTE_TYPE.ints);
      break;
    default:
      unreachable(attribute);
  }
  return message;
}

export function encodeNode(node: OnnxNode): ProtoMessage {
  const message = new ProtoMessage();
  for (const input of node.inputs) message.string(1, input);
  for (const output of node.outputs) message.string(2, output);
  message.string(3, node.name).string(4, node.opType);
  for (const attribute of node.attributes ?? []) message.message(5, encodeAttribute(attribute));
  return message;
}

export function encodeValueInfo(info: OnnxValueInfo): ProtoMessage {
  if (info.shape === null) {
    const tensorType = new ProtoMessage().varint(1, DATA_TYPE[info.elemType]);
    return new ProtoMessage().string(1, info.name).message(2, new ProtoMessage().message(1, tensorType));
  }
  const shape = new ProtoMessage();
  for (const dim of info.shape) {
    const dimension = new ProtoMessage();
    if (typeof dim === 'number') dimension.varint(1, dim);
    else dimension.string(2, dim);
    shape.message(1, dimension);
  }
  const tensorType = new ProtoMessage().varint(1, DATA_TYPE[info.elemType]).message(2, shape);
  const type = new ProtoMessage().message(1, tensorType);
  return new ProtoMessage().string(1, info.name).message(2, type);
}

/** Encodes a whole ModelProto; the metadata goes before the graph so readers find it quickly. */
export function encodeModel(model: OnnxModel): ProtoMessage {
  const graph = new ProtoMessage();
  for (const node of model.nodes) graph.message(1, encodeNode(node));
  graph.string(2, model.graphName);
  for (const tensor of model.initializers) graph.message(5, encodeTensor(tensor));
  for (const input of model.inputs) graph.message(11, encodeValueInfo(input));
  for (const output of model.outputs) graph.message(12, encodeValueInfo(output));

  const opset = new ProtoMessage().string(1, '').varint(2, ONNX_OPSET);
  const message = new ProtoMessage()
    .varint(1, ONNX_IR_VERSION)
    .message(8, opset)
    .string(2, model.producerName)
    .string(3, model.producerVersion);
  if (model.docString) message.string(6, model.docString);
  for (const [key, value] of Object.entries(model.metadata)) {
    message.message(14, new ProtoMessage().string(1, key).string(2, value));
  }
  message.message(7, graph);
  return message;
}

/**
 * Writes the model to `path` chunk by chunk (no concatenation of the weights), through a temporary
 * file renamed into place, so a failed write never leaves half a model; returns its size in bytes.
 */
export async function writeOnnxModel(model: OnnxModel, path: string): Promise<number> {
  const encoded = encodeModel(model);
  await writeChunksAtomic(path, encoded.toChunks());
  return encoded.byteLength;
}
