import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError } from '../../main/util/errors.js';
import { ARCHITECTURE_NAMES, architectureSpec } from '../../main/zoo/resnet/resnet-architectures.js';
import { inferResNet } from '../../main/zoo/resnet/resnet-inference.js';
import { checkpointSlots, type CheckpointLayout } from '../../main/zoo/resnet/resnet-weights.js';

/** The key -> shape map a checkpoint of `architecture` in `layout` would hold. */
function shapesOf(
  architecture: string,
  layout: CheckpointLayout,
  classes: number | null,
): Map<string, { shape: number[] }> {
  return new Map(
    checkpointSlots(architectureSpec(architecture), layout, classes).map((slot) => [slot.key, { shape: slot.shape }]),
  );
}

test('every named architecture is recognised from its OpenMMLab keys and shapes alone', () => {
  for (const name of ARCHITECTURE_NAMES) {
    if (name === 'akamaster-resnet1202') continue; // same logic as the other akamaster depths, 10x the keys
    const layout: CheckpointLayout = name.startsWith('akamaster-') ? 'akamaster' : 'openmmlab';
    const inferred = inferResNet(shapesOf(name, layout, 10), name);
    assert.equal(inferred.architecture, name, name);
    assert.deepEqual(inferred.spec, architectureSpec(name));
    assert.equal(inferred.numClasses, 10);
  }
});

test('torchvision and akamaster key layouts are recognised, with or without BN counters', () => {
  const tv = inferResNet(shapesOf('wide-resnet50', 'torchvision', 1000), 'tv');
  assert.equal(tv.architecture, 'wide-resnet50');
  assert.deepEqual(tv.layout, { prefix: '', head: 'fc', counters: true });
  const aka = inferResNet(shapesOf('akamaster-resnet32', 'akamaster', 10), 'aka');
  assert.deepEqual(aka.layout, { prefix: 'module.', head: 'module.linear', counters: false });
  assert.equal(aka.spec.shortcut, 'zero-pad');
  const v1d = inferResNet(shapesOf('resnetv1d101', 'openmmlab', 1000), 'v1d');
  assert.equal(v1d.spec.shortcut, 'avgpool-conv');
  assert.equal(v1d.spec.stem.kind, 'deep');
});

test('a checkpoint without a head is a feature extractor; ignoreHead drops an unwanted head', () => {
  const headless = inferResNet(shapesOf('resnet50', 'openmmlab', null), 'headless');
  assert.equal(headless.numClasses, null);
  assert.equal(headless.architecture, 'resnet50');
  const ignored = inferResNet(shapesOf('resnet50', 'openmmlab', 11221), 'mill', { ignoreHead: true });
  assert.equal(ignored.numClasses, null);
});

function expectInvalid(run: () => unknown, patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof FieldmarkError, String(error));
    assert.equal(error.kind, 'CheckpointInvalid');
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

test('missing, unexpected and mis-shaped keys are all listed', () => {
  const shapes = shapesOf('resnet18', 'openmmlab', 1000);
  shapes.delete('backbone.layer3.1.bn2.running_var');
  shapes.set('backbone.layer2.0.conv2.weight', { shape: [128, 128, 5, 5] });
  shapes.set('backbone.extra.weight', { shape: [3] });
  expectInvalid(
    () => inferResNet(shapes, 'broken.pth'),
    [
      /broken\.pth does not fit the ResNet its keys describe \(basic \[2,2,2,2\], plain7x7 stem, conv shortcut\)/,
      /missing keys \(1\): backbone\.layer3\.1\.bn2\.running_var/,
      /mis-shaped keys \(1\): backbone\.layer2\.0\.conv2\.weight \[128,128,5,5\] \(expected \[128,128,3,3\]\)/,
      /unexpected keys \(1\): backbone\.extra\.weight/,
    ],
  );
});

test('state dicts that are not ResNets are refused with what was expected', () => {
  expectInvalid(
    () => inferResNet(new Map([['encoder.weight', { shape: [3, 3] }]]), 'vit.pth'),
    [/vit\.pth: no layer1\.0\.conv1\.weight among its 1 tensors: not a ResNet/],
  );
  const shapes = shapesOf('resnet18', 'torchvision', 10);
  shapes.set('conv1.weight', { shape: [64, 3, 5, 5] });
  expectInvalid(
    () => inferResNet(shapes, 'odd.pth'),
    [/odd\.pth: conv1\.weight has a 5x5 kernel; expected 7x7 \(ImageNet\) or 3x3 \(CIFAR\)/],
  );
});
