import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { buildSeededModel } from '../../main/zoo/resnet/build-model.js';
import { readModelMetadata } from '../../main/zoo/onnx/model-file.js';
import { makeTempDir, pseudoRandomInput } from '../fixtures/zoo-helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
before(async () => ({ dir, cleanup } = await makeTempDir('zoo-seeded')));
after(() => cleanup());

const CASES: Array<{
  architecture: string;
  classes: string;
  classCount: number;
  featureDim: number;
  size: number;
  parameters: number;
}> = [
  {
    architecture: 'resnet18',
    classes: 'imagenet1k',
    classCount: 1000,
    featureDim: 512,
    size: 224,
    parameters: 11.69e6,
  },
  {
    architecture: 'resnet50',
    classes: 'imagenet1k',
    classCount: 1000,
    featureDim: 2048,
    size: 224,
    parameters: 25.56e6,
  },
  {
    architecture: 'resnetv1c50',
    classes: 'imagenet1k',
    classCount: 1000,
    featureDim: 2048,
    size: 224,
    parameters: 25.58e6,
  },
  { architecture: 'resnetv1d50', classes: 'cub200', classCount: 200, featureDim: 2048, size: 448, parameters: 23.94e6 },
  {
    architecture: 'resnet18-cifar',
    classes: 'cifar10',
    classCount: 10,
    featureDim: 512,
    size: 32,
    parameters: 11.17e6,
  },
  {
    architecture: 'akamaster-resnet20',
    classes: 'cifar10',
    classCount: 10,
    featureDim: 64,
    size: 32,
    parameters: 0.27e6,
  },
];

async function runBatch(
  path: string,
  size: number,
  seed: number,
): Promise<{ probabilities: ort.Tensor; features: ort.Tensor }> {
  const session = await ort.InferenceSession.create(path);
  try {
    const input = new ort.Tensor('float32', pseudoRandomInput(2 * 3 * size * size, seed), [2, 3, size, size]);
    const out = await session.run({ input });
    return { probabilities: out.probabilities as ort.Tensor, features: out.features as ort.Tensor };
  } finally {
    await session.release();
  }
}

for (const c of CASES) {
  test(`${c.architecture} (${c.classes}) builds, runs in onnxruntime and describes itself`, async () => {
    const outPath = join(dir, `${c.architecture}.onnx`);
    const built = await buildSeededModel({ architecture: c.architecture, classes: c.classes, seed: 11, outPath });
    assert.ok(Math.abs(built.parameterCount - c.parameters) < 0.01e6, `parameters ${built.parameterCount}`);
    const metadata = await readModelMetadata(outPath);
    assert.deepEqual(metadata, built.metadata);
    assert.equal(metadata.trained, false);
    assert.deepEqual(metadata.source, { kind: 'seeded', seed: 11 });
    assert.equal(metadata.featureDim, c.featureDim);
    assert.equal(metadata.classNames.length, c.classCount);
    assert.deepEqual(metadata.preprocess.input, { width: c.size, height: c.size });

    const { probabilities, features } = await runBatch(outPath, c.size, 5);
    assert.deepEqual(probabilities.dims, [2, c.classCount]);
    assert.deepEqual(features.dims, [2, c.featureDim]);
    const p = probabilities.data as Float32Array;
    for (let n = 0; n < 2; n += 1) {
      const row = p.subarray(n * c.classCount, (n + 1) * c.classCount);
      const sum = row.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${n} sums to ${sum}`);
      // Seeded heads are scaled so the softmax is informative: neither one-hot nor flat.
      const max = Math.max(...row);
      assert.ok(max < 0.99 && max > 1.2 / c.classCount, `max probability ${max}`);
    }
    const f = features.data as Float32Array;
    assert.ok(
      f.every((v) => Number.isFinite(v) && v >= 0),
      'pooled ReLU features are finite and non-negative',
    );
    assert.ok(f.some((v) => v > 0));
  });
}

test('the same seed gives the same file, another seed other weights', async () => {
  const a = join(dir, 'a.onnx');
  const b = join(dir, 'b.onnx');
  const c = join(dir, 'c.onnx');
  await buildSeededModel({ architecture: 'akamaster-resnet20', classes: 'cifar10', seed: 3, outPath: a });
  await buildSeededModel({ architecture: 'akamaster-resnet20', classes: 'cifar10', seed: 3, outPath: b });
  await buildSeededModel({ architecture: 'akamaster-resnet20', classes: 'cifar10', seed: 4, outPath: c });
  const [bytesA, bytesB, bytesC] = await Promise.all([readFile(a), readFile(b), readFile(c)]);
  assert.ok(bytesA.equals(bytesB));
  assert.ok(!bytesA.equals(bytesC));
  const [outA, outC] = [await runBatch(a, 32, 1), await runBatch(c, 32, 1)];
  assert.notDeepEqual([...(outA.probabilities.data as Float32Array)], [...(outC.probabilities.data as Float32Array)]);
});

test('models of every built-in label set carry its real class names (models/labels), never "class N"', async () => {
  const cifar = await buildSeededModel({
    architecture: 'akamaster-resnet20',
    classes: 'cifar10',
    seed: 1,
    outPath: join(dir, 'n1.onnx'),
  });
  assert.deepEqual(cifar.metadata.classNames.slice(0, 3), ['airplane', 'automobile', 'bird']);
  const cifar100 = await buildSeededModel({
    architecture: 'akamaster-resnet20',
    classes: 'cifar100',
    seed: 1,
    outPath: join(dir, 'n2.onnx'),
  });
  assert.equal(cifar100.metadata.classNames[99], 'worm');
});
