/**
 * Exact k-nearest-neighbour graph over unit feature vectors (cosine similarity = dot product).
 * Brute force, but as blocked GEMM + TopK in onnxruntime: 20,000 x 2048-d vectors take a few
 * seconds on two cores, with no index to build or keep in sync with the catalog.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel, type OnnxModel } from '../../zoo/onnx/onnx-writer.js';

export interface KnnGraph {
  rows: number;
  k: number;
  /** [rows, k] row indices of the neighbours, most similar first (never the row itself). */
  neighbours: Int32Array;
  /** [rows, k] cosine similarities. */
  similarities: Float32Array;
}

function knnModel(): OnnxModel {
  return {
    graphName: 'fieldmark-knn',
    producerName: 'fieldmark',
    producerVersion: '0.1.0',
    nodes: [
      {
        opType: 'Gemm',
        name: 'scores',
        inputs: ['Q', 'X'],
        outputs: ['scores'],
        attributes: [{ name: 'transB', kind: 'int', value: 1 }],
      },
      {
        opType: 'TopK',
        name: 'topk',
        inputs: ['scores', 'K'],
        outputs: ['values', 'indices'],
        attributes: [{ name: 'axis', kind: 'int', value: 1 }],
      },
    ],
    initializers: [],
    inputs: [
      { name: 'Q', elemType: 'float32', shape: ['b', 'd'] },
      { name: 'X', elemType: 'float32', shape: ['n', 'd'] },
      { name: 'K', elemType: 'int64', shape: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float32', shape: ['b', 'k'] },
      { name: 'indices', elemType: 'int64', shape: ['b', 'k'] },
    ],
    metadata: {},
  };
}

const BLOCK = 512;

/** The `k` nearest other rows of every row of `vectors` ([rows, dim], unit rows). */
export async function knnGraph(
  vectors: Float32Array,
  rows: number,
  dim: number,
  k: number,
  signal?: AbortSignal,
): Promise<KnnGraph> {
  const take = Math.min(k, rows - 1);
  const neighbours = new Int32Array(rows * take);
  const similarities = new Float32Array(rows * take);
  if (take <= 0) return { rows, k: take, neighbours, similarities };
  const session = await ort.InferenceSession.create(encodeModel(knnModel()).toBytes(), { executionProviders: ['cpu'] });
  try {
    const x = new ort.Tensor('float32', vectors.subarray(0, rows * dim), [rows, dim]);
    const kTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(take + 1)]), [1]);
    for (let start = 0; start < rows; start += BLOCK) {
      if (signal?.aborted) throw new Error('cancelled');
      const count = Math.min(BLOCK, rows - start);
      const q = new ort.Tensor('float32', vectors.subarray(start * dim, (start + count) * dim), [count, dim]);
      const out = await session.run({ Q: q, X: x, K: kTensor });
      const values = out.values!.data as Float32Array;
      const indices = out.indices!.data as BigInt64Array;
      for (let r = 0; r < count; r++) {
        const row = start + r;
        let written = 0;
        for (let j = 0; j <= take && written < take; j++) {
          const index = Number(indices[r * (take + 1) + j]!);
          if (index === row) continue;
          neighbours[row * take + written] = index;
          similarities[row * take + written] = values[r * (take + 1) + j]!;
          written += 1;
        }
      }
    }
  } finally {
    await session.release();
  }
  return { rows, k: take, neighbours, similarities };
}
