/**
 * Parses an ONNX ModelProto held in memory back into the writer's `OnnxModel`, so a model file
 * can be transformed (quantized) and written again by `onnx-writer.ts`. It reads what the
 * project's writer emits (raw_data initializers, default-domain nodes); anything else is
 * refused with a message naming what it met. Field numbers: onnx/onnx.proto.
 */
import { FieldmarkError, unreachable } from '../../util/errors.js';
import {
  ONNX_OPSET,
  type OnnxAttribute,
  type OnnxDataType,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxTensorData,
  type OnnxValueInfo,
} from './onnx-writer.js';
import {
  asSignedInt64,
  decodeFields,
  decodePackedFloats,
  decodePackedVarints,
  decodeString,
  ProtoDecodeError,
} from './protobuf-reader.js';

const ELEM_TYPES: Record<number, OnnxDataType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64' };

function copyAligned(bytes: Uint8Array): ArrayBuffer {
  // raw_data sits at any byte offset inside the file buffer; typed arrays need an aligned copy.
  return bytes.slice().buffer;
}

function tensorData(type: OnnxDataType, raw: Uint8Array): OnnxTensorData {
  switch (type) {
    case 'float32':
      return new Float32Array(copyAligned(raw));
    case 'int64':
      return new BigInt64Array(copyAligned(raw));
    case 'int32':
      return new Int32Array(copyAligned(raw));
    case 'int8':
      return new Int8Array(copyAligned(raw));
    case 'uint8':
      return new Uint8Array(copyAligned(raw));
    default:
      return unreachable(type);
  }
}

function decodeTensor(payload: Uint8Array): OnnxTensor {
  const dims: number[] = [];
  let name = '';
  let typeCode = 0;
  let raw: Uint8Array | null = null;
  let floats: Float32Array | null = null;
  for (const f of decodeFields(payload)) {
    if (f.field === 1) {
      if (f.varint !== undefined) dims.push(Number(asSignedInt64(f.varint)));
      else if (f.bytes) dims.push(...decodePackedVarints(f.bytes).map((v) => Number(asSignedInt64(v))));
    } else if (f.field === 2 && f.varint !== undefined) typeCode = Number(f.varint);
    else if (f.field === 8 && f.bytes) name = decodeString(f.bytes);
    else if (f.field === 9 && f.bytes) raw = f.bytes;
    else if (f.field === 4 && f.bytes) floats = decodePackedFloats(f.bytes);
  }
  const type = ELEM_TYPES[typeCode];
  if (!type)
    throw new FieldmarkError(
      'ModelInvalid',
      `initializer ${name}: expected a float32, int8, uint8, int32 or int64 tensor, received data type ${typeCode}`,
    );
  const data = raw ? tensorData(type, raw) : type === 'float32' && floats ? floats : null;
  if (!data) throw new FieldmarkError('ModelInvalid', `initializer ${name}: expected raw_data, received none`);
  return { name, dims, data };
}

function decodeAttribute(payload: Uint8Array): OnnxAttribute {
  let name = '';
  let type = 0;
  let f32 = 0;
  let int = 0;
  let str = '';
  const floats: number[] = [];
  const ints: number[] = [];
  for (const f of decodeFields(payload)) {
    if (f.field === 1 && f.bytes) name = decodeString(f.bytes);
    else if (f.field === 20 && f.varint !== undefined) type = Number(f.varint);
    else if (f.field === 2 && f.bytes) f32 = new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true);
    else if (f.field === 3 && f.varint !== undefined) int = Number(asSignedInt64(f.varint));
    else if (f.field === 4 && f.bytes) str = decodeString(f.bytes);
    else if (f.field === 7 && f.bytes)
      floats.push(
        ...(f.bytes.byteLength === 4 && f.wireType === 5
          ? [new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true)]
          : decodePackedFloats(f.bytes)),
      );
    else if (f.field === 8) {
      if (f.varint !== undefined) ints.push(Number(asSignedInt64(f.varint)));
      else if (f.bytes) ints.push(...decodePackedVarints(f.bytes).map((v) => Number(asSignedInt64(v))));
    }
  }
  switch (type) {
    case 1:
      return { name, kind: 'float', value: f32 };
    case 2:
      return { name, kind: 'int', value: int };
    case 3:
      return { name, kind: 'string', value: str };
    case 6:
      return { name, kind: 'floats', value: floats };
    case 7:
      return { name, kind: 'ints', value: ints };
    default:
      throw new FieldmarkError(
        'ModelInvalid',
        `attribute ${name}: expected a float, int, string, floats or ints attribute, received type ${type}`,
      );
  }
}

function decodeNode(payload: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: '', name: '', inputs: [], outputs: [], attributes: [] };
  for (const f of decodeFields(payload)) {
    if (!f.bytes) continue;
    if (f.field === 1) node.inputs.push(decodeString(f.bytes));
    else if (f.field === 2) node.outputs.push(decodeString(f.bytes));
    else if (f.field === 3) node.name = decodeString(f.bytes);
    else if (f.field === 4) node.opType = decodeString(f.bytes);
    else if (f.field === 5) node.attributes?.push(decodeAttribute(f.bytes));
    else if (f.field === 7 && f.bytes.byteLength > 0) {
      throw new FieldmarkError(
        'ModelInvalid',
        `node ${node.name || node.opType}: expected an operator of the default ONNX domain, received domain "${decodeString(f.bytes)}"`,
      );
    }
  }
  return node;
}

function decodeValueInfo(payload: Uint8Array): OnnxValueInfo {
  let name = '';
  let elemType: OnnxDataType = 'float32';
  const shape: Array<number | string> = [];
  let sawShape = false;
  for (const f of decodeFields(payload)) {
    if (f.field === 1 && f.bytes) name = decodeString(f.bytes);
    if (f.field !== 2 || !f.bytes) continue;
    for (const typeField of decodeFields(f.bytes)) {
      if (typeField.field !== 1 || !typeField.bytes) continue;
      for (const t of decodeFields(typeField.bytes)) {
        if (t.field === 1 && t.varint !== undefined) {
          const known = ELEM_TYPES[Number(t.varint)];
          if (!known)
            throw new FieldmarkError('ModelInvalid', `graph value ${name}: unsupported element type ${t.varint}`);
          elemType = known;
        }
        if (t.field === 2 && t.bytes) {
          sawShape = true;
          for (const dim of decodeFields(t.bytes)) {
            if (dim.field !== 1 || !dim.bytes) continue;
            for (const d of decodeFields(dim.bytes)) {
              if (d.field === 1 && d.varint !== undefined) shape.push(Number(d.varint));
              if (d.field === 2 && d.bytes) shape.push(decodeString(d.bytes));
            }
          }
        }
      }
    }
  }
  return { name, elemType, shape: sawShape ? shape : null };
}

/**
 * The graph, weights and metadata of an ONNX file's bytes.
 * @throws FieldmarkError ModelInvalid when the bytes are not a model this reader can take back.
 */
export function parseOnnxModel(bytes: Uint8Array): OnnxModel & { opset: number } {
  const model: OnnxModel & { opset: number } = {
    graphName: '',
    producerName: '',
    producerVersion: '',
    nodes: [],
    initializers: [],
    inputs: [],
    outputs: [],
    metadata: {},
    opset: 0,
  };
  try {
    for (const f of decodeFields(bytes)) {
      if (!f.bytes) continue;
      if (f.field === 2) model.producerName = decodeString(f.bytes);
      else if (f.field === 3) model.producerVersion = decodeString(f.bytes);
      else if (f.field === 6) model.docString = decodeString(f.bytes);
      else if (f.field === 8) {
        let domain = '';
        let version = 0;
        for (const o of decodeFields(f.bytes)) {
          if (o.field === 1 && o.bytes) domain = decodeString(o.bytes);
          if (o.field === 2 && o.varint !== undefined) version = Number(o.varint);
        }
        if (domain === '' || domain === 'ai.onnx') model.opset = version;
      } else if (f.field === 14) {
        let key = '';
        let value = '';
        for (const p of decodeFields(f.bytes)) {
          if (p.field === 1 && p.bytes) key = decodeString(p.bytes);
          if (p.field === 2 && p.bytes) value = decodeString(p.bytes);
        }
        model.metadata[key] = value;
      } else if (f.field === 7) {
        for (const g of decodeFields(f.bytes)) {
          if (!g.bytes) continue;
          if (g.field === 1) model.nodes.push(decodeNode(g.bytes));
          else if (g.field === 2) model.graphName = decodeString(g.bytes);
          else if (g.field === 5) model.initializers.push(decodeTensor(g.bytes));
          else if (g.field === 11) model.inputs.push(decodeValueInfo(g.bytes));
          else if (g.field === 12) model.outputs.push(decodeValueInfo(g.bytes));
        }
      }
    }
  } catch (error) {
    if (error instanceof ProtoDecodeError || error instanceof RangeError) {
      throw new FieldmarkError('ModelInvalid', `not a valid ONNX model: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (model.nodes.length === 0)
    throw new FieldmarkError('ModelInvalid', 'not an ONNX model: expected a graph with nodes, received none');
  if (model.opset !== ONNX_OPSET) {
    throw new FieldmarkError(
      'ModelInvalid',
      `expected ONNX opset ${ONNX_OPSET} (what Fieldmark writes), received ${model.opset}`,
    );
  }
  return model;
}
