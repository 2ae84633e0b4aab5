import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { FieldmarkError } from '../../main/util/errors.js';
import { convertCheckpoint } from '../../main/zoo/checkpoint/convert-checkpoint.js';
import { readModelMetadata } from '../../main/zoo/onnx/model-file.js';
import { makeTempDir, runTorchScript, torchUnavailableReason } from '../fixtures/zoo-helpers.js';

interface FixtureCase {
  name: string;
  file: string;
  format: 'zip' | 'legacy';
  layout: string;
  size: number;
  batch: number;
  classes: number;
  classNames: string[] | null;
  probabilities: number[];
  features: number[];
}

let dir = '';
let cleanup: () => Promise<void> = async () => {};
let cases: FixtureCase[] = [];
const skipReason = torchUnavailableReason();

before(async () => {
  ({ dir, cleanup } = await makeTempDir('zoo-convert'));
  if (skipReason) return;
  runTorchScript('make_checkpoints.py', [dir]);
  cases = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as FixtureCase[];
});
after(() => cleanup());

function argmax(values: ArrayLike<number>, start: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k += 1) if ((values[start + k] as number) > (values[start + best] as number)) best = k;
  return best;
}

test('PyTorch checkpoints in every layout, block, stem, shortcut and format convert to the same probabilities', async (t) => {
  if (skipReason) return t.skip(skipReason);
  assert.equal(cases.length, 9);
  const seen = new Set<string>();
  for (const c of cases) {
    const outPath = join(dir, `${c.name}.onnx`);
    const input = { width: c.size, height: c.size };
    const result = await convertCheckpoint({
      checkpointPath: join(dir, c.file),
      outPath,
      preprocessSpec: { resize: { kind: 'none' }, crop: null, input, mean: [0, 0, 0], std: [1, 1, 1] },
    });
    assert.equal(result.format, c.format, c.name);
    seen.add(`${c.layout}/${c.format}/${result.structure}`);
    const session = await ort.InferenceSession.create(outPath);
    const raw = readFileSync(join(dir, `${c.name}.input.bin`));
    const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const out = await session.run({ input: new ort.Tensor('float32', data, [c.batch, 3, c.size, c.size]) });
    await session.release();
    const probabilities = out.probabilities?.data as Float32Array;
    const features = out.features?.data as Float32Array;
    let worst = 0;
    probabilities.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - (c.probabilities[i] as number)))));
    assert.ok(worst < 1e-3, `${c.name}: largest probability difference ${worst}`);
    const top1 = new Set<number>();
    for (let n = 0; n < c.batch; n += 1) {
      assert.equal(
        argmax(probabilities, n * c.classes, c.classes),
        argmax(c.probabilities, n * c.classes, c.classes),
        `${c.name}: top-1 of input ${n}`,
      );
      top1.add(argmax(probabilities, n * c.classes, c.classes));
      // The fixture is informative: no one-hot softmax that would hide differences.
      assert.ok(
        Math.max(...probabilities.subarray(n * c.classes, (n + 1) * c.classes)) < 0.99,
        `${c.name}: input ${n} is not saturated`,
      );
    }
    assert.ok(top1.size > 1, `${c.name}: the inputs get different classes`);
    features.forEach((f, i) =>
      assert.ok(
        Math.abs(f - (c.features[i] as number)) < 1e-3 * Math.max(1, Math.abs(c.features[i] as number)),
        `${c.name}: feature ${i}`,
      ),
    );
    const metadata = await readModelMetadata(outPath);
    assert.equal(metadata.trained, true);
    assert.equal(metadata.source.kind === 'checkpoint' && metadata.source.file, c.file);
    if (c.classNames) {
      assert.deepEqual(metadata.classNames, c.classNames, `${c.name}: class names travel from meta.CLASSES`);
      assert.deepEqual(result.warnings, []);
    } else {
      assert.equal(metadata.classNames.length, c.classes);
      if (c.classes !== 10) assert.match(result.warnings.join('\n'), /carries no class names/);
    }
  }
  // Every stem, shortcut and block kind, in all three layouts and both file formats.
  const all = [...seen].join('\n');
  for (const part of [
    'plain7x7',
    'deep',
    'cifar3x3',
    'avgpool-conv',
    'zero-pad',
    'conv shortcut',
    'basic',
    'bottleneck',
    'openmmlab/zip',
    'openmmlab/legacy',
    'torchvision/zip',
    'torchvision/legacy',
    'akamaster/zip',
    'akamaster/legacy',
  ]) {
    assert.ok(all.includes(part), `fixtures cover ${part}`);
  }
});

test('a --classes file that does not exist is reported before any model is written', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const c = cases.find((candidate) => candidate.name === 'mm_fp16_bottleneck');
  assert.ok(c);
  const result = await convertCheckpoint({
    checkpointPath: join(dir, c.file),
    outPath: join(dir, 'fp16-again.onnx'),
    classes: join(dir, 'none.json'),
    preprocess: 'resnet50_8xb32_in1k',
  }).catch((error: unknown) => error);
  assert.ok(result instanceof FieldmarkError && result.kind === 'NotFound', String(result));
  assert.ok(!existsSync(join(dir, 'fp16-again.onnx')));
});

test('malicious checkpoints (zip and legacy) are refused without running anything', async (t) => {
  if (skipReason) return t.skip(skipReason);
  for (const file of ['malicious.pth', 'malicious-legacy.pth']) {
    await assert.rejects(
      convertCheckpoint({ checkpointPath: join(dir, file), outPath: join(dir, 'evil.onnx') }),
      (error: unknown) => {
        assert.ok(error instanceof FieldmarkError);
        assert.equal(error.kind, 'UnsafeCheckpoint');
        assert.match(error.message, new RegExp(`${file.replace('.', '\\.')}: refusing the global "posix\\.system"`));
        return true;
      },
    );
  }
  assert.ok(!existsSync(join(dir, 'evil.onnx')));
  assert.ok(!existsSync(join(process.cwd(), 'MALICIOUS_RAN')) && !existsSync(join(dir, 'MALICIOUS_RAN')));
});

test('--like takes the registry entry label set and preprocessing; mismatched class lists are refused', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const aka = cases.find((candidate) => candidate.name === 'aka_zero_pad');
  assert.ok(aka);
  const result = await convertCheckpoint({
    checkpointPath: join(dir, aka.file),
    outPath: join(dir, 'like.onnx'),
    like: 'akamaster-resnet20_cifar10',
  });
  assert.equal(result.metadata.labelSet, 'cifar10');
  assert.deepEqual(result.metadata.classNames.slice(0, 2), ['airplane', 'automobile']);
  assert.deepEqual(result.metadata.preprocess.mean, [123.675, 116.28, 103.53]);
  assert.match(result.metadata.architecture, /^resnet-custom\(basic \[2,2,1\], cifar3x3 stem, zero-pad shortcut\)$/);
  await assert.rejects(
    convertCheckpoint({ checkpointPath: join(dir, aka.file), outPath: join(dir, 'x.onnx'), classes: 'cifar100' }),
    /has a 10-class head, but the class list has 100 names/,
  );
});
