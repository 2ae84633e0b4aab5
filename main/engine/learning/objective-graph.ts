/**
 * The softmax-regression objective of many heads at once, as a small ONNX graph that
 * onnxruntime evaluates with its optimised GEMMs (10-50x a JS loop on the same cores). Every
 * head sees the same feature matrix; a per-head sample weight selects and balances its training
 * rows (0 for rows held out of a cross-validation fold), so one run evaluates all folds and all
 * regularisation strengths together.
 *
 * Inputs: X [n, d] (unit rows), W [M*K, d], B [M*K], onehot [n, 1, K], weight [n, M, 1]
 * (each head's weights sum to 1). Outputs: loss [M] = -sum(weight * onehot * log p) per head,
 * gradW [M*K, d], gradB [M*K], probabilities [n, M, K]. The L2 term is added in JS (it is cheap).
 */
import * as ort from 'onnxruntime-node';
import { encodeModel, type OnnxModel } from '../../zoo/onnx/onnx-writer.js';

function objectiveModel(classCount: number): OnnxModel {
  const int64 = (values: number[]) => BigInt64Array.from(values.map((v) => BigInt(v)));
  return {
    graphName: 'fieldmark-softmax-objective',
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
      { opType: 'Reshape', name: 'logits3', inputs: ['logits', 'shape3'], outputs: ['logits3'] },
      {
        opType: 'Softmax',
        name: 'softmax',
        inputs: ['logits3'],
        outputs: ['probabilities'],
        attributes: [{ name: 'axis', kind: 'int', value: 2 }],
      },
      {
        opType: 'LogSoftmax',
        name: 'logsoftmax',
        inputs: ['logits3'],
        outputs: ['logp'],
        attributes: [{ name: 'axis', kind: 'int', value: 2 }],
      },
      { opType: 'Mul', name: 'target', inputs: ['onehot', 'weight'], outputs: ['target'] },
      { opType: 'Mul', name: 'terms', inputs: ['target', 'logp'], outputs: ['terms'] },
      {
        opType: 'ReduceSum',
        name: 'loss',
        inputs: ['terms', 'axes02'],
        outputs: ['negloss'],
        attributes: [{ name: 'keepdims', kind: 'int', value: 0 }],
      },
      { opType: 'Neg', name: 'neg', inputs: ['negloss'], outputs: ['loss'] },
      { opType: 'Mul', name: 'weighted', inputs: ['probabilities', 'weight'], outputs: ['weighted'] },
      { opType: 'Sub', name: 'residual', inputs: ['weighted', 'target'], outputs: ['residual3'] },
      { opType: 'Reshape', name: 'residual2', inputs: ['residual3', 'shape2'], outputs: ['residual'] },
      {
        opType: 'Gemm',
        name: 'gradW',
        inputs: ['residual', 'X'],
        outputs: ['gradW'],
        attributes: [{ name: 'transA', kind: 'int', value: 1 }],
      },
      {
        opType: 'ReduceSum',
        name: 'gradB',
        inputs: ['residual', 'axes0'],
        outputs: ['gradB'],
        attributes: [{ name: 'keepdims', kind: 'int', value: 0 }],
      },
    ],
    initializers: [
      { name: 'shape3', dims: [3], data: int64([0, -1, classCount]) },
      { name: 'shape2', dims: [2], data: int64([0, -1]) },
      { name: 'axes02', dims: [2], data: int64([0, 2]) },
      { name: 'axes0', dims: [1], data: int64([0]) },
    ],
    inputs: [
      { name: 'X', elemType: 'float32', shape: ['n', 'd'] },
      { name: 'W', elemType: 'float32', shape: ['mk', 'd'] },
      { name: 'B', elemType: 'float32', shape: ['mk'] },
      { name: 'onehot', elemType: 'float32', shape: ['n', 1, classCount] },
      { name: 'weight', elemType: 'float32', shape: ['n', 'm', 1] },
    ],
    outputs: [
      { name: 'loss', elemType: 'float32', shape: ['m'] },
      { name: 'gradW', elemType: 'float32', shape: ['mk', 'd'] },
      { name: 'gradB', elemType: 'float32', shape: ['mk'] },
      { name: 'probabilities', elemType: 'float32', shape: ['n', 'm', classCount] },
    ],
    metadata: {},
  };
}

export interface ObjectiveResult {
  /** Data term of each head (weighted cross-entropy). */
  loss: Float32Array;
  gradW: Float32Array;
  gradB: Float32Array;
  /** [n, M, K]. */
  probabilities: Float32Array;
}

/** One feature matrix and label vector, evaluated for any set of heads. */
export class SoftmaxObjective {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly x: ort.Tensor,
    private readonly onehot: ort.Tensor,
    readonly rows: number,
    readonly dim: number,
    readonly classCount: number,
  ) {}

  /** `vectors` is [rows, dim] row-major; `labels` are class indices in [0, classCount). */
  static async create(
    vectors: Float32Array,
    rows: number,
    dim: number,
    labels: Int32Array,
    classCount: number,
    threads?: number,
  ): Promise<SoftmaxObjective> {
    const bytes = encodeModel(objectiveModel(classCount)).toBytes();
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(threads ? { intraOpNumThreads: threads } : {}),
    });
    const onehot = new Float32Array(rows * classCount);
    for (let i = 0; i < rows; i++) onehot[i * classCount + labels[i]!] = 1;
    return new SoftmaxObjective(
      session,
      new ort.Tensor('float32', vectors.subarray(0, rows * dim), [rows, dim]),
      new ort.Tensor('float32', onehot, [rows, 1, classCount]),
      rows,
      dim,
      classCount,
    );
  }

  /** Evaluates `heads` heads: W [heads*K, d], B [heads*K], weight [rows, heads] (row-major). */
  async evaluate(heads: number, w: Float32Array, b: Float32Array, weight: Float32Array): Promise<ObjectiveResult> {
    const k = this.classCount;
    const out = await this.session.run({
      X: this.x,
      W: new ort.Tensor('float32', w, [heads * k, this.dim]),
      B: new ort.Tensor('float32', b, [heads * k]),
      onehot: this.onehot,
      weight: new ort.Tensor('float32', weight, [this.rows, heads, 1]),
    });
    return {
      loss: out.loss!.data as Float32Array,
      gradW: out.gradW!.data as Float32Array,
      gradB: out.gradB!.data as Float32Array,
      probabilities: out.probabilities!.data as Float32Array,
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
