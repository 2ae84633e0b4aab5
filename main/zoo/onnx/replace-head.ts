/**
 * A new model file from a base model and a new classification head, as ONE ONNX graph: the base
 * graph is copied field by field (its weights are not decoded), the nodes after the pooled
 * `features` output (the base's Gemm/MatMul classifier and its Softmax) are dropped with the
 * initializers only they used, and the new head is appended:
 * features -> LpNormalization(p=2) -> Gemm(W, b) -> Softmax -> probabilities.
 * The `features` output stays, so the new model indexes a library like any other.
 */
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FieldmarkError } from '../../util/errors.js';
import { MODEL_FEATURES_OUTPUT, MODEL_PROBABILITIES_OUTPUT, type ModelMetadata } from './model-metadata.js';
import { encodeNode, encodeTensor, encodeValueInfo, type OnnxNode } from './onnx-writer.js';
import { decodeFields, decodeString, ProtoDecodeError, type ProtoField } from './protobuf-reader.js';
import { ProtoMessage, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf-writer.js';
import { metadataProps } from '../resnet/resnet-model-file.js';

/** A linear head on L2-normalised features: logits = W x + b, W is [classes, dim] row-major. */
export interface LinearHead {
  classCount: number;
  dim: number;
  weights: Float32Array;
  bias: Float32Array;
}

const MODEL = { graph: 7, metadataProps: 14 } as const;
const GRAPH = { node: 1, initializer: 5, output: 12 } as const;
const NODE = { input: 1, output: 2, opType: 4 } as const;
const TENSOR_NAME = 8;
const VALUE_INFO_NAME = 1;

interface GraphNode {
  raw: Uint8Array;
  inputs: string[];
  outputs: string[];
  opType: string;
}

function parseNode(raw: Uint8Array): GraphNode {
  const node: GraphNode = { raw, inputs: [], outputs: [], opType: '' };
  for (const part of decodeFields(raw)) {
    if (!part.bytes) continue;
    if (part.field === NODE.input) node.inputs.push(decodeString(part.bytes));
    else if (part.field === NODE.output) node.outputs.push(decodeString(part.bytes));
    else if (part.field === NODE.opType) node.opType = decodeString(part.bytes);
  }
  return node;
}

function stringField(raw: Uint8Array, field: number): string {
  for (const part of decodeFields(raw)) if (part.field === field && part.bytes) return decodeString(part.bytes);
  return '';
}

function copyField(message: ProtoMessage, field: ProtoField): void {
  if (field.wireType === WIRE_LENGTH_DELIMITED) message.bytes(field.field, field.bytes!);
  else if (field.wireType === WIRE_VARINT) message.varint(field.field, field.varint!);
  else throw new ProtoDecodeError(`unexpected fixed-width field ${field.field} in a model or graph message`);
}

/** The nodes that (transitively) consume `features`: the base model's classifier. */
function headNodes(nodes: GraphNode[]): Set<GraphNode> {
  const derived = new Set<string>([MODEL_FEATURES_OUTPUT]);
  const head = new Set<GraphNode>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (head.has(node) || !node.inputs.some((input) => derived.has(input))) continue;
      head.add(node);
      for (const output of node.outputs) derived.add(output);
      grew = true;
    }
  }
  return head;
}

function newHeadGraph(head: LinearHead): { nodes: OnnxNode[]; initializers: ProtoMessage[] } {
  const prefix = 'trained_head';
  return {
    nodes: [
      {
        opType: 'LpNormalization',
        name: `${prefix}.normalise`,
        inputs: [MODEL_FEATURES_OUTPUT],
        outputs: [`${prefix}.normalised`],
        attributes: [
          { name: 'axis', kind: 'int', value: 1 },
          { name: 'p', kind: 'int', value: 2 },
        ],
      },
      {
        opType: 'Gemm',
        name: `${prefix}.fc`,
        inputs: [`${prefix}.normalised`, `${prefix}.weight`, `${prefix}.bias`],
        outputs: [`${prefix}.logits`],
        attributes: [{ name: 'transB', kind: 'int', value: 1 }],
      },
      {
        opType: 'Softmax',
        name: `${prefix}.softmax`,
        inputs: [`${prefix}.logits`],
        outputs: [MODEL_PROBABILITIES_OUTPUT],
        attributes: [{ name: 'axis', kind: 'int', value: 1 }],
      },
    ],
    initializers: [
      encodeTensor({ name: `${prefix}.weight`, dims: [head.classCount, head.dim], data: head.weights }),
      encodeTensor({ name: `${prefix}.bias`, dims: [head.classCount], data: head.bias }),
    ],
  };
}

/** The graph message with the base classifier replaced by `head`. */
function replaceInGraph(graphBytes: Uint8Array, head: LinearHead, basePath: string): ProtoMessage {
  const fields = [...decodeFields(graphBytes)];
  const nodes = fields.filter((f) => f.field === GRAPH.node).map((f) => parseNode(f.bytes!));
  if (!nodes.some((node) => node.outputs.includes(MODEL_FEATURES_OUTPUT))) {
    throw new FieldmarkError(
      'ModelInvalid',
      `base model ${basePath}: expected a graph with a "${MODEL_FEATURES_OUTPUT}" output, found none`,
    );
  }
  const removed = headNodes(nodes);
  const byRaw = new Map(nodes.map((node) => [node.raw, node]));
  if (
    ![...removed].some((node) => node.opType === 'Gemm' || node.opType === 'MatMul') ||
    ![...removed].some((node) => node.outputs.includes(MODEL_PROBABILITIES_OUTPUT))
  ) {
    throw new FieldmarkError(
      'ModelInvalid',
      `base model ${basePath}: expected a Gemm or MatMul classifier after "${MODEL_FEATURES_OUTPUT}" that produces "${MODEL_PROBABILITIES_OUTPUT}"`,
    );
  }
  const kept = nodes.filter((node) => !removed.has(node));
  const usedByKept = new Set(kept.flatMap((node) => node.inputs));
  const removedOutputs = new Set([...removed].flatMap((node) => node.outputs));
  const graph = new ProtoMessage();
  const added = newHeadGraph(head);
  let nodesWritten = false;
  for (const field of fields) {
    if (field.field === GRAPH.node) {
      const node = byRaw.get(field.bytes!);
      if (node && removed.has(node)) continue;
      graph.bytes(GRAPH.node, field.bytes!);
      continue;
    }
    if (!nodesWritten) {
      // Graph nodes come first in the files Fieldmark writes; the new head follows the kept nodes.
      for (const node of added.nodes) graph.message(GRAPH.node, encodeNode(node));
      nodesWritten = true;
    }
    if (field.field === GRAPH.initializer) {
      const name = stringField(field.bytes!, TENSOR_NAME);
      const onlyHead = !usedByKept.has(name) && [...removed].some((node) => node.inputs.includes(name));
      if (onlyHead) continue;
      graph.bytes(GRAPH.initializer, field.bytes!);
      continue;
    }
    if (field.field === GRAPH.output) {
      const name = stringField(field.bytes!, VALUE_INFO_NAME);
      if (name === MODEL_PROBABILITIES_OUTPUT) {
        graph.message(GRAPH.output, encodeValueInfo({ name, elemType: 'float32', shape: ['batch', head.classCount] }));
        for (const tensor of added.initializers.splice(0)) graph.message(GRAPH.initializer, tensor);
      } else if (!removedOutputs.has(name)) {
        graph.bytes(GRAPH.output, field.bytes!);
      }
      continue;
    }
    copyField(graph, field);
  }
  if (!nodesWritten) for (const node of added.nodes) graph.message(GRAPH.node, encodeNode(node));
  for (const tensor of added.initializers) graph.message(GRAPH.initializer, tensor);
  return graph;
}

/**
 * Writes `basePath`'s backbone with `head` and `metadata` to `outPath` (through a temporary
 * file). Returns the size in bytes.
 * @throws FieldmarkError ModelInvalid when the base graph has no features output or classifier, InvalidArgument when the head does not fit.
 */
export async function writeModelWithHead(
  basePath: string,
  head: LinearHead,
  metadata: ModelMetadata,
  outPath: string,
): Promise<number> {
  if (head.weights.length !== head.classCount * head.dim || head.bias.length !== head.classCount) {
    throw new FieldmarkError(
      'InvalidArgument',
      `head: expected ${head.classCount}x${head.dim} weights and ${head.classCount} biases, received ${head.weights.length} and ${head.bias.length}`,
    );
  }
  if (head.dim !== metadata.featureDim) {
    throw new FieldmarkError(
      'InvalidArgument',
      `head: expected features of length ${metadata.featureDim} (the base model's), received a head for ${head.dim}`,
    );
  }
  const bytes = new Uint8Array(await readFile(basePath));
  const model = new ProtoMessage();
  try {
    const fields = [...decodeFields(bytes)];
    const graphField = fields.find((f) => f.field === MODEL.graph);
    if (!graphField?.bytes) throw new FieldmarkError('ModelInvalid', `base model ${basePath} has no graph`);
    for (const field of fields)
      if (field.field !== MODEL.graph && field.field !== MODEL.metadataProps) copyField(model, field);
    for (const [key, value] of Object.entries(metadataProps(metadata))) {
      model.message(MODEL.metadataProps, new ProtoMessage().string(1, key).string(2, value));
    }
    model.message(MODEL.graph, replaceInGraph(graphField.bytes, head, basePath));
  } catch (error) {
    if (error instanceof ProtoDecodeError)
      throw new FieldmarkError('ModelInvalid', `base model ${basePath} is not a valid ONNX file: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
  await mkdir(dirname(outPath), { recursive: true });
  const temporary = `${outPath}.partial-${process.pid}`;
  try {
    await pipeline(Readable.from(model.toChunks()), createWriteStream(temporary));
    await rename(temporary, outPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return model.byteLength;
}
