/**
 * The head applied to many stored feature vectors at once, in onnxruntime (Gemm, Softmax, TopK):
 * ~20x the plain JS loop of head.ts, so a 100,000-image library takes seconds. Rows must be unit
 * vectors already (the catalog stores them so); the exported model normalises its own.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel, type OnnxModel } from '../../zoo/onnx/onnx-writer.js';
import type { SoftmaxHead } from './head.js';

export interface HeadPrediction {
  imageId: number;
  /** Highest first. */
  topk: { index: number; prob: number }[];
}

function headModel(head: SoftmaxHead): OnnxModel {
  const k = head.classNames.length;
  return {
    graphName: 'fieldmark-head',
    producerName: 'fieldmark',
    producerVersion: '0.1.0',
    nodes: [
      {
        opType: 'Gemm',
        name: 'logits',
        inputs: ['X', 'W', 'B'],
        outputs: ['logits'],
        attributes: [{ name: 'transB', kind: 'int', value: 1 }],
      },
      {
        opType: 'Softmax',
        name: 'softmax',
        inputs: ['logits'],
        outputs: ['probabilities'],
        attributes: [{ name: 'axis', kind: 'int', value: 1 }],
      },
      {
        opType: 'TopK',
        name: 'topk',
        inputs: ['probabilities', 'K'],
        outputs: ['values', 'indices'],
        attributes: [{ name: 'axis', kind: 'int', value: 1 }],
      },
    ],
    initializers: [
      { name: 'W', dims: [k, head.dim], data: head.weights },
      { name: 'B', dims: [k], data: head.bias },
    ],
    inputs: [
      { name: 'X', elemType: 'float32', shape: ['n', head.dim] },
      { name: 'K', elemType: 'int64', shape: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float32', shape: ['n', 'k'] },
      { name: 'indices', elemType: 'int64', shape: ['n', 'k'] },
    ],
    metadata: {},
  };
}

/** A head session: top-`k` of feature rows, one chunk at a time (release when done). */
export interface HeadTopK {
  /** The top-k of the first `rows` rows of `vectors` (row-major, unit rows), for `imageIds`. */
  run(imageIds: Int32Array, vectors: Float32Array, rows: number): Promise<HeadPrediction[]>;
  release(): Promise<void>;
}

/** Opens the head in onnxruntime (Gemm, Softmax, TopK) for top-`k` predictions. */
export async function openHeadTopK(head: SoftmaxHead, k = 5): Promise<HeadTopK> {
  const take = Math.min(k, head.classNames.length);
  const session = await ort.InferenceSession.create(encodeModel(headModel(head)).toBytes(), {
    executionProviders: ['cpu'],
  });
  const kTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(take)]), [1]);
  return {
    async run(imageIds, vectors, rows) {
      if (rows === 0) return [];
      const x = new ort.Tensor('float32', vectors.subarray(0, rows * head.dim), [rows, head.dim]);
      const result = await session.run({ X: x, K: kTensor });
      const values = result.values!.data as Float32Array;
      const indices = result.indices!.data as BigInt64Array;
      const out: HeadPrediction[] = new Array(rows);
      for (let r = 0; r < rows; r++) {
        const topk = new Array<{ index: number; prob: number }>(take);
        for (let j = 0; j < take; j++) topk[j] = { index: Number(indices[r * take + j]!), prob: values[r * take + j]! };
        out[r] = { imageId: imageIds[r]!, topk };
      }
      return out;
    },
    release: () => session.release(),
  };
}
