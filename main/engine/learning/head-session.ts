/**
 * The head applied to many stored feature vectors at once, in onnxruntime (Gemm, Softmax, TopK):
 * ~20x the plain JS loop of head.ts, so a 100,000-image library takes seconds. Rows must be unit
 * vectors already (the catalog stores them so); the exported model normalises its own.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel, type OnnxModel } from '../../zoo/onnx-writer.js';
import type { FeatureMatrix } from '../catalog/types.js';
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

const CHUNK = 8192;

/** The head's top-`k` for every row of `matrix`. */
export async function headTopKAll(head: SoftmaxHead, matrix: FeatureMatrix, k = 5): Promise<HeadPrediction[]> {
  const take = Math.min(k, head.classNames.length);
  const session = await ort.InferenceSession.create(encodeModel(headModel(head)).toBytes(), {
    executionProviders: ['cpu'],
  });
  const out: HeadPrediction[] = [];
  try {
    const kTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(take)]), [1]);
    for (let start = 0; start < matrix.imageIds.length; start += CHUNK) {
      const rows = Math.min(CHUNK, matrix.imageIds.length - start);
      const x = new ort.Tensor('float32', matrix.vectors.subarray(start * matrix.dim, (start + rows) * matrix.dim), [
        rows,
        matrix.dim,
      ]);
      const result = await session.run({ X: x, K: kTensor });
      const values = result.values!.data as Float32Array;
      const indices = result.indices!.data as BigInt64Array;
      for (let r = 0; r < rows; r++) {
        const topk = [];
        for (let j = 0; j < take; j++)
          topk.push({ index: Number(indices[r * take + j]!), prob: values[r * take + j]! });
        out.push({ imageId: matrix.imageIds[start + r]!, topk });
      }
    }
  } finally {
    await session.release();
  }
  return out;
}
