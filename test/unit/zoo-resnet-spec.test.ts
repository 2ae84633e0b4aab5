import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FieldmarkError } from '../../main/util/errors.js';
import {
  ARCHITECTURE_NAMES,
  architectureSpec,
  isCifarArchitecture,
} from '../../main/zoo/resnet/resnet-architectures.js';
import { featureDim, parameterCount } from '../../main/zoo/resnet/resnet-spec.js';
import { checkpointSlots } from '../../main/zoo/resnet/resnet-weights.js';
import { preprocessFor } from '../../main/zoo/fetch/preprocess-presets.js';
import { referencePath } from '../fixtures/zoo-helpers.js';

/** Published parameter counts (mmpretrain metafiles; akamaster README), in millions, 2 decimals. */
const PUBLISHED_MILLIONS: Array<[string, number, number]> = [
  ['resnet18', 1000, 11.69],
  ['resnet34', 1000, 21.8],
  ['resnet50', 1000, 25.56],
  ['resnet101', 1000, 44.55],
  ['resnet152', 1000, 60.19],
  ['resnetv1c50', 1000, 25.58],
  ['resnetv1d50', 1000, 25.58],
  ['wide-resnet50', 1000, 68.88],
  ['wide-resnet101', 1000, 126.89],
  ['resnet18-cifar', 10, 11.17],
  ['resnet50-cifar', 10, 23.52],
  ['resnet50-cifar', 100, 23.71],
  ['resnet50', 200, 23.92],
  ['akamaster-resnet20', 10, 0.27],
];

test('parameter counts match the published figures', () => {
  for (const [architecture, classes, millions] of PUBLISHED_MILLIONS) {
    const count = parameterCount(architectureSpec(architecture), classes);
    const tolerance = architecture === 'resnet34' ? 0.05 : 0.005; // the metafile gives 21.8 with one decimal
    assert.ok(Math.abs(count / 1e6 - millions) <= tolerance, `${architecture}/${classes}: ${count} vs ${millions}M`);
  }
});

test('akamaster ResNets have exactly the parameter counts of the reference implementation', () => {
  const exact: Record<string, number> = { 20: 269722, 32: 464154, 44: 658586, 56: 853018 };
  for (const [depth, count] of Object.entries(exact)) {
    assert.equal(parameterCount(architectureSpec(`akamaster-resnet${depth}`), 10), count);
  }
  // 6n+2 layers: n = 200 blocks per stage for ResNet-1202.
  assert.equal(architectureSpec('akamaster-resnet1202').stages[0]?.blocks, 200);
});

const STATE_DICT_MODELS: Array<[string, string, number]> = [
  ['resnet18_8xb32_in1k', 'resnet18', 1000],
  ['resnet34_8xb32_in1k', 'resnet34', 1000],
  ['resnet50_8xb32_in1k', 'resnet50', 1000],
  ['resnet101_8xb32_in1k', 'resnet101', 1000],
  ['resnet152_8xb32_in1k', 'resnet152', 1000],
  ['resnetv1c50_8xb32_in1k', 'resnetv1c50', 1000],
  ['resnetv1d50_8xb32_in1k', 'resnetv1d50', 1000],
  ['resnet18_8xb16_cifar10', 'resnet18-cifar', 10],
  ['resnet50_8xb16_cifar10', 'resnet50-cifar', 10],
  ['resnet50_8xb16_cifar100', 'resnet50-cifar', 100],
  ['resnet50_8xb8_cub', 'resnet50', 200],
];

test('OpenMMLab checkpoint keys and shapes match the reference listings exactly', () => {
  for (const [model, architecture, classes] of STATE_DICT_MODELS) {
    const listing = JSON.parse(readFileSync(referencePath('state_dict_keys', `${model}.json`), 'utf8')) as {
      keys: Array<[string, number[]]>;
    };
    const slots = checkpointSlots(architectureSpec(architecture), 'openmmlab', classes);
    const ours = slots.map((slot) => [slot.key, slot.shape]);
    assert.deepEqual(ours, listing.keys, `${model} (${architecture})`);
  }
});

test('akamaster layout names module.* tensors without BN counters and no shortcut weights', () => {
  const slots = checkpointSlots(architectureSpec('akamaster-resnet20'), 'akamaster', 10);
  const keys = slots.map((s) => s.key);
  assert.equal(keys[0], 'module.conv1.weight');
  assert.ok(keys.includes('module.layer2.0.bn2.running_var'));
  assert.ok(!keys.some((k) => k.includes('downsample') || k.includes('num_batches_tracked')));
  assert.deepEqual(keys.slice(-2), ['module.linear.weight', 'module.linear.bias']);
  assert.equal(slots.length, 1 + 4 + 9 * 2 * 5 + 2);
});

test('feature dimensions: 512 for basic blocks, 2048 for bottlenecks, 64 for akamaster', () => {
  assert.equal(featureDim(architectureSpec('resnet18')), 512);
  assert.equal(featureDim(architectureSpec('resnetv1d152')), 2048);
  assert.equal(featureDim(architectureSpec('wide-resnet101')), 2048);
  assert.equal(featureDim(architectureSpec('akamaster-resnet110')), 64);
});

test('unknown architectures are refused with the list of known ones', () => {
  assert.throws(
    () => architectureSpec('resnet19'),
    (error: unknown) => {
      assert.ok(error instanceof FieldmarkError);
      assert.equal(error.kind, 'InvalidArgument');
      assert.match(error.message, /"resnet19".*resnet18.*akamaster-resnet1202/);
      return true;
    },
  );
  assert.equal(ARCHITECTURE_NAMES.length, 24);
  assert.equal(isCifarArchitecture('resnet50-cifar'), true);
  assert.equal(isCifarArchitecture('resnet50'), false);
});

test('preprocessing follows the OpenMMLab configs', () => {
  const in1k = preprocessFor('imagenet1k', 'resnet50');
  assert.deepEqual(in1k.resize, { kind: 'short-edge', size: 256, backend: 'cv2' });
  assert.deepEqual(in1k.crop, { width: 224, height: 224 });
  assert.deepEqual(preprocessFor('imagenet1k', 'resnetv1d101').resize, {
    kind: 'short-edge',
    size: 256,
    backend: 'pillow',
  });
  assert.deepEqual(preprocessFor('imagenet1k', 'wide-resnet50').resize, {
    kind: 'short-edge',
    size: 256,
    backend: 'pillow',
  });
  const cub = preprocessFor('cub200', 'resnet50');
  assert.deepEqual(cub.resize, { kind: 'fixed', width: 600, height: 600, backend: 'cv2' });
  assert.deepEqual(cub.input, { width: 448, height: 448 });
  const cifar100 = preprocessFor('cifar100', 'resnet50-cifar');
  assert.deepEqual(cifar100, {
    resize: { kind: 'none' },
    crop: null,
    input: { width: 32, height: 32 },
    mean: [129.304, 124.07, 112.434],
    std: [68.17, 65.392, 70.418],
  });
  assert.deepEqual(preprocessFor('cifar10', 'resnet18-cifar').mean, [125.307, 122.961, 113.8575]);
  // akamaster normalises with ImageNet statistics (0-1 scale in its code, 0-255 here).
  assert.deepEqual(preprocessFor('cifar10', 'akamaster-resnet20').mean, [123.675, 116.28, 103.53]);
  assert.deepEqual(preprocessFor('cifar10', 'akamaster-resnet20').std, [58.395, 57.12, 57.375]);
});
