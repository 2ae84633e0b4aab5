import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { convertCheckpoint } from '../../main/zoo/checkpoint/convert-checkpoint.js';
import { readCheckpoint } from '../../main/zoo/checkpoint/checkpoint-reader.js';
import { makeTempDir, referencePath } from '../fixtures/zoo-helpers.js';

interface Reference {
  top1_accuracy: number;
  predictions: number[];
  logits_subset_indices: number[];
  logits_subset: number[][];
}

let dir = '';
let cleanup: () => Promise<void> = async () => {};
before(async () => ({ dir, cleanup } = await makeTempDir('zoo-akamaster')));
after(() => cleanup());

const RECORD = 3073; // CIFAR-10 binary: 1 label byte + 1024 R + 1024 G + 1024 B
const testBatch = readFileSync(referencePath('cifar10_test', 'test_batch.bin'));

/** Logits of the test-batch images `indices`, normalised as the model's metadata says. */
async function runIndices(modelPath: string, indices: number[], mean: number[], std: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(modelPath);
  const logits = new Float32Array(indices.length * 10);
  const batch = 500;
  for (let start = 0; start < indices.length; start += batch) {
    const chunk = indices.slice(start, start + batch);
    const input = new Float32Array(chunk.length * 3072);
    chunk.forEach((index, n) => {
      const record = index * RECORD + 1;
      for (let c = 0; c < 3; c += 1) {
        for (let i = 0; i < 1024; i += 1)
          input[n * 3072 + c * 1024 + i] =
            ((testBatch[record + c * 1024 + i] as number) - (mean[c] as number)) / (std[c] as number);
      }
    });
    const out = await session.run({ input: new ort.Tensor('float32', input, [chunk.length, 3, 32, 32]) });
    logits.set(out.logits?.data as Float32Array, start * 10);
  }
  await session.release();
  return logits;
}

function argmaxRows(logits: Float32Array): number[] {
  const rows: number[] = [];
  for (let n = 0; n < logits.length / 10; n += 1) {
    let best = 0;
    for (let k = 1; k < 10; k += 1) if ((logits[n * 10 + k] as number) > (logits[n * 10 + best] as number)) best = k;
    rows.push(best);
  }
  return rows;
}

test('the legacy akamaster checkpoint reads with the values torch.load gives', async () => {
  const checkpoint = await readCheckpoint(referencePath('weights', 'resnet20-12fca82f.th'));
  assert.equal(checkpoint.format, 'legacy');
  assert.ok(checkpoint.sha256.startsWith('12fca82f'));
  assert.equal(checkpoint.tensors.size, 97);
  const conv1 = checkpoint.tensors.get('module.conv1.weight');
  assert.deepEqual(conv1?.shape, [16, 3, 3, 3]);
  // torch.load(...)['state_dict']['module.conv1.weight'].flatten()[:3]
  assert.deepEqual(
    [...(conv1?.data?.subarray(0, 3) ?? [])].map((v) => Number(v.toFixed(4))),
    [-0.1382, -0.1624, 0.8207],
  );
  assert.equal(checkpoint.classNames, null);
});

for (const [depth, hash] of [
  [20, '12fca82f'],
  [32, 'd509ac18'],
] as const) {
  test(`akamaster ResNet-${depth} converts and reproduces the reference logits and predictions`, async () => {
    const reference = JSON.parse(
      readFileSync(referencePath('expected', `cifar10_resnet${depth}_reference.json`), 'utf8'),
    ) as Reference;
    const outPath = join(dir, `r${depth}.onnx`);
    const result = await convertCheckpoint({
      checkpointPath: referencePath('weights', `resnet${depth}-${hash}.th`),
      outPath,
      like: `akamaster-resnet${depth}_cifar10`,
      exposeLogits: true,
    });
    const { metadata } = result;
    assert.equal(metadata.architecture, `akamaster-resnet${depth}`);
    assert.deepEqual(metadata.classNames, [
      'airplane',
      'automobile',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ]);
    assert.deepEqual(metadata.preprocess, {
      resize: { kind: 'none' },
      crop: null,
      input: { width: 32, height: 32 },
      mean: [123.675, 116.28, 103.53],
      std: [58.395, 57.12, 57.375],
    });

    const subset = await runIndices(
      outPath,
      reference.logits_subset_indices,
      metadata.preprocess.mean,
      metadata.preprocess.std,
    );
    let worst = 0;
    reference.logits_subset.forEach((row, n) =>
      row.forEach((value, k) => (worst = Math.max(worst, Math.abs((subset[n * 10 + k] as number) - value)))),
    );
    assert.ok(worst < 1e-3, `largest logit difference ${worst}`);

    // The whole test batch: about 5 s and 8 s on two cores.
    const indices = Array.from({ length: 10000 }, (_, i) => i);
    const predictions = argmaxRows(
      await runIndices(outPath, indices, metadata.preprocess.mean, metadata.preprocess.std),
    );
    const agree = predictions.filter((p, n) => p === reference.predictions[indices[n] as number]).length;
    assert.equal(agree, indices.length, `${agree} of ${indices.length} predictions equal the reference`);
    const correct = predictions.filter((p, n) => p === testBatch[(indices[n] as number) * RECORD]).length;
    assert.equal(correct / indices.length, reference.top1_accuracy);
  });
}
