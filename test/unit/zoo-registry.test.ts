import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRegistry } from '../../main/zoo/fetch/registry.js';
import { architectureSpec } from '../../main/zoo/resnet/resnet-architectures.js';
import { multiplyAccumulates, parameterCount } from '../../main/zoo/resnet/resnet-spec.js';
import { preprocessFor } from '../../main/zoo/fetch/preprocess-presets.js';
import { referencePath } from '../fixtures/zoo-helpers.js';

/** The ids issue 3 asks for: every model of the OpenMMLab ResNet README plus the akamaster CIFAR-10 ResNets. */
const REQUIRED_IDS = [
  'resnet18_8xb32_in1k',
  'resnet34_8xb32_in1k',
  'resnet50_8xb32_in1k',
  'resnet101_8xb32_in1k',
  'resnet152_8xb32_in1k',
  'resnetv1c50_8xb32_in1k',
  'resnetv1c101_8xb32_in1k',
  'resnetv1c152_8xb32_in1k',
  'resnetv1d50_8xb32_in1k',
  'resnetv1d101_8xb32_in1k',
  'resnetv1d152_8xb32_in1k',
  'resnet50_8xb32-fp16_in1k',
  'wide-resnet50_8xb32_in1k',
  'wide-resnet101_8xb32_in1k',
  'resnet50_8xb256-rsb-a1-600e_in1k',
  'resnet50_8xb256-rsb-a2-300e_in1k',
  'resnet50_8xb256-rsb-a3-100e_in1k',
  'resnet18_8xb16_cifar10',
  'resnet34_8xb16_cifar10',
  'resnet50_8xb16_cifar10',
  'resnet101_8xb16_cifar10',
  'resnet152_8xb16_cifar10',
  'resnet50_8xb16_cifar100',
  'resnet50_8xb8_cub',
  'resnet50_3rdparty-mill_in21k',
  'akamaster-resnet20_cifar10',
  'akamaster-resnet32_cifar10',
  'akamaster-resnet44_cifar10',
  'akamaster-resnet56_cifar10',
  'akamaster-resnet110_cifar10',
  'akamaster-resnet1202_cifar10',
];

test('the registry lists exactly the required models, with the default among them', async () => {
  const registry = await loadRegistry();
  assert.deepEqual(
    registry.models.map((m) => m.id),
    REQUIRED_IDS,
  );
  assert.equal(registry.defaultModel, 'resnet50_8xb32_in1k');
});

test('every entry names a known architecture whose size matches the published figures', async () => {
  for (const entry of (await loadRegistry()).models) {
    const spec = architectureSpec(entry.architecture);
    assert.match(entry.checkpoint.sha256Prefix, /^[0-9a-f]{8}$/);
    assert.ok(
      entry.checkpoint.url.includes(entry.checkpoint.sha256Prefix),
      `${entry.id}: the hash is part of the file name`,
    );
    if (entry.numClasses === null) continue; // the in21k feature extractor: OpenMMLab's figures include its 21k head
    const params = parameterCount(spec, entry.numClasses) / 1e6;
    assert.ok(
      Math.abs(params - entry.paramsM) / entry.paramsM < 0.01,
      `${entry.id}: ${params.toFixed(2)}M vs ${entry.paramsM}M`,
    );
    const { width, height } = entry.preprocess.input;
    const flops = multiplyAccumulates(spec, entry.numClasses, height, width) / 1e9;
    assert.ok(
      Math.abs(flops - entry.flopsG) / entry.flopsG < 0.02,
      `${entry.id}: ${flops.toFixed(3)} GFLOPs vs ${entry.flopsG}`,
    );
  }
});

test('registry preprocessing equals the reference configs and the architecture presets', async () => {
  const registry = await loadRegistry();
  const reference = JSON.parse(readFileSync(referencePath('preprocessing.json'), 'utf8')) as {
    models: Array<{
      name: string;
      data_preprocessor: { mean: number[]; std: number[] };
      crop_size?: number;
      model_input: { size: number[] };
    }>;
  };
  for (const model of reference.models) {
    const entry = registry.models.find((m) => m.id === model.name);
    assert.ok(entry, model.name);
    assert.deepEqual(entry.preprocess.mean, model.data_preprocessor.mean, model.name);
    assert.deepEqual(entry.preprocess.std, model.data_preprocessor.std, model.name);
    assert.equal(entry.preprocess.input.width, model.model_input.size[3]);
    assert.equal(entry.preprocess.crop?.width ?? null, model.crop_size ?? null);
  }
  for (const entry of registry.models) {
    if (entry.id.includes('rsb') || entry.numClasses === null) continue; // their own test pipelines (ResizeEdge 236 bicubic; MIIL's 0-1 input)
    assert.deepEqual(entry.preprocess, preprocessFor(entry.labelSet, entry.architecture), entry.id);
  }
});
