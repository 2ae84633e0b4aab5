/**
 * The GPU path gives the same answers as the CPU path. Runs onnxruntime's WebGPU execution
 * provider where an adapter exists: on a machine without a GPU, Mesa's lavapipe (a software
 * Vulkan driver, Mesa >= 25) provides one, about 35x slower than the CPU provider, so this uses
 * a tiny model and a few images. Skipped with the reason when no WebGPU adapter can be created.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { referencePath, tempDir } from '../helpers/paths.js';
import { runFieldmark, jsonLines } from '../helpers/cli.js';

const work = tempDir('webgpu');
const library = join(work.path, 'photos');
const model = join(work.path, 'r20.onnx');
after(() => work.cleanup());

before(async () => {
  mkdirSync(library);
  for (const name of ['chelsea.png', 'coffee.png', 'rocket.jpg', 'astronaut.png'])
    copyFileSync(referencePath('photos', name), join(library, name));
  const built = await runFieldmark([
    'models',
    'build',
    '--arch',
    'akamaster-resnet20',
    '--classes',
    'cifar10',
    '--seed',
    '4',
    '--out',
    model,
  ]);
  assert.equal(built.code, 0, built.stderr);
});

async function classifyOn(device: 'cpu' | 'gpu') {
  return runFieldmark([
    'classify',
    library,
    '--model',
    model,
    '--db',
    join(work.path, `${device}.sqlite`),
    '--device',
    device,
    '--json',
    '--top-k',
    '10',
  ]);
}

test('WebGPU and CPU give the same top-1 and probabilities within 1e-3', async (t) => {
  const gpu = await classifyOn('gpu');
  if (gpu.code !== 0) {
    t.skip(
      `no WebGPU adapter here (${gpu.stderr.trim().split('\n').pop()?.slice(0, 200)}); install Mesa >= 25 (lavapipe) or run on a GPU`,
    );
    return;
  }
  const cpu = await classifyOn('cpu');
  assert.equal(cpu.code, 0, cpu.stderr);
  const gpuLines = jsonLines(gpu.stdout);
  assert.equal(gpuLines.find((l) => l.type === 'summary')!.device, 'webgpu');
  const cpuResults = new Map(
    jsonLines(cpu.stdout)
      .filter((l) => l.type === 'result')
      .map((l) => [l.path, l]),
  );
  const gpuResults = gpuLines.filter((l) => l.type === 'result');
  assert.equal(gpuResults.length, 4);
  let maxDiff = 0;
  for (const result of gpuResults) {
    const reference = cpuResults.get(result.path)!;
    assert.equal(result.prediction_index, reference.prediction_index, `top-1 of ${String(result.path)}`);
    const cpuProbs = new Map(
      (reference.top_k as { index: number; probability: number }[]).map((c) => [c.index, c.probability]),
    );
    for (const entry of result.top_k as { index: number; probability: number }[]) {
      maxDiff = Math.max(maxDiff, Math.abs(entry.probability - cpuProbs.get(entry.index)!));
    }
  }
  console.log(`WebGPU vs CPU: max probability difference ${maxDiff.toExponential(2)} over 4 images x 10 classes`);
  assert.ok(maxDiff < 1e-3, `max difference ${maxDiff}`);
});
