/** The head export's graph surgery on models the test builds: what it keeps, what it refuses. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { tempDir } from '../helpers/paths.js';
import { buildSeededModel } from '../../main/zoo/resnet/build-model.js';
import { readModelMetadata } from '../../main/zoo/onnx/model-file.js';
import { writeModelWithHead } from '../../main/zoo/onnx/replace-head.js';
import { writeOnnxModel } from '../../main/zoo/onnx/onnx-writer.js';
import { headProbabilities } from '../../main/engine/learning/head.js';
import { seededRandom } from '../../main/engine/learning/folds.js';
import { FieldmarkError } from '../../main/util/errors.js';

const work = tempDir('head-export');
after(() => work.cleanup());

test('a seeded ResNet-18 with a new 3-class head: same features, probabilities of the head on them (1e-4)', async () => {
  const base = join(work.path, 'base.onnx');
  await buildSeededModel({ architecture: 'resnet18', classes: 'cifar10', seed: 3, outPath: base });
  const metadata = await readModelMetadata(base);
  const dim = metadata.featureDim;
  const random = seededRandom(4);
  const head = {
    classCount: 3,
    dim,
    weights: Float32Array.from({ length: 3 * dim }, () => (random() - 0.5) * 20),
    bias: Float32Array.from([0.1, -0.2, 0.3]),
  };
  const out = join(work.path, 'headed.onnx');
  await writeModelWithHead(
    base,
    head,
    { ...metadata, id: 'headed', classNames: ['a', 'b', 'c'], labelSet: 'custom' },
    out,
  );
  assert.deepEqual((await readModelMetadata(out)).classNames, ['a', 'b', 'c']);

  const { height, width } = metadata.preprocess.input;
  const input = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 2 * 3 * height * width }, () => random() * 2 - 1),
    [2, 3, height, width],
  );
  const baseSession = await ort.InferenceSession.create(base);
  const headed = await ort.InferenceSession.create(out);
  try {
    assert.deepEqual([...headed.outputNames].sort(), ['features', 'probabilities']);
    const a = await baseSession.run({ input });
    const b = await headed.run({ input });
    const features = b.features!.data as Float32Array;
    const baseFeatures = a.features!.data as Float32Array;
    for (let i = 0; i < features.length; i++) assert.ok(Math.abs(features[i]! - baseFeatures[i]!) < 1e-6);
    assert.deepEqual(b.probabilities!.dims, [2, 3]);
    const expected = headProbabilities(
      { classNames: ['a', 'b', 'c'], dim, weights: head.weights, bias: head.bias },
      features,
      2,
      false,
    );
    const probabilities = b.probabilities!.data as Float32Array;
    for (let i = 0; i < expected.length; i++)
      assert.ok(Math.abs(probabilities[i]! - expected[i]!) < 1e-4, `${probabilities[i]} vs ${expected[i]}`);
  } finally {
    await baseSession.release();
    await headed.release();
  }
});

test('a graph without a classifier after "features" is refused, and so is a head of the wrong width', async () => {
  const path = join(work.path, 'no-head.onnx');
  await writeOnnxModel(
    {
      graphName: 'g',
      producerName: 'test',
      producerVersion: '0',
      nodes: [{ opType: 'Flatten', name: 'flat', inputs: ['input'], outputs: ['features'] }],
      initializers: [],
      inputs: [{ name: 'input', elemType: 'float32', shape: ['batch', 4, 1, 1] }],
      outputs: [{ name: 'features', elemType: 'float32', shape: ['batch', 4] }],
      metadata: {},
    },
    path,
  );
  const base = join(work.path, 'base.onnx');
  const metadata = await readModelMetadata(base);
  const small = { ...metadata, featureDim: 4 };
  const head = { classCount: 2, dim: 4, weights: new Float32Array(8), bias: new Float32Array(2) };
  await assert.rejects(
    writeModelWithHead(path, head, small, join(work.path, 'x.onnx')),
    (e: unknown) =>
      e instanceof FieldmarkError && e.kind === 'ModelInvalid' && /Gemm or MatMul classifier/.test(e.message),
  );
  await assert.rejects(
    writeModelWithHead(base, head, metadata, join(work.path, 'y.onnx')),
    (e: unknown) => e instanceof FieldmarkError && e.kind === 'InvalidArgument' && /features of length/.test(e.message),
  );
});
