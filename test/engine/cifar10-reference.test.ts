/**
 * The real akamaster ResNet-20 and ResNet-32 checkpoints, converted by Fieldmark, classify all
 * 10,000 CIFAR-10 test JPEGs through `fieldmark classify` with the predictions of the PyTorch
 * reference (../shared/reference/expected/cifar10_resnet{20,32}_reference.json).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { referencePath, tempDir } from '../helpers/paths.js';
import { runFieldmark, jsonLines } from '../helpers/cli.js';

const work = tempDir('cifar10');
after(() => work.cleanup());

interface Reference {
  top1_accuracy: number;
  predictions: number[];
}

const labels = JSON.parse(readFileSync(referencePath('cifar10_test', 'labels.json'), 'utf8')) as number[];

for (const depth of [20, 32]) {
  test(`akamaster ResNet-${depth}: fieldmark classify agrees with PyTorch on >= 99.9% of 10,000 JPEGs`, async () => {
    const checkpoint = readdirSync(referencePath('weights')).find((f) => f.startsWith(`resnet${depth}-`))!;
    const model = join(work.path, `resnet${depth}.onnx`);
    const converted = await runFieldmark([
      'models',
      'convert',
      referencePath('weights', checkpoint),
      '--out',
      model,
      '--like',
      `akamaster-resnet${depth}_cifar10`,
    ]);
    assert.equal(converted.code, 0, converted.stderr);

    const run = await runFieldmark([
      'classify',
      referencePath('cifar10_test', 'jpg'),
      '--model',
      model,
      '--db',
      join(work.path, `r${depth}.sqlite`),
      '--json',
      '--batch',
      '64',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const reference = JSON.parse(
      readFileSync(referencePath('expected', `cifar10_resnet${depth}_reference.json`), 'utf8'),
    ) as Reference;
    const results = jsonLines(run.stdout).filter((l) => l.type === 'result');
    assert.equal(results.length, 10_000);
    let agree = 0;
    let correct = 0;
    for (const result of results) {
      const index = Number((result.path as string).slice(0, 5));
      const predicted = result.prediction_index as number;
      if (predicted === reference.predictions[index]) agree += 1;
      if (predicted === labels[index]) correct += 1;
    }
    const agreement = agree / 10_000;
    const accuracy = correct / 10_000;
    console.log(
      `ResNet-${depth}: agreement with PyTorch ${(agreement * 100).toFixed(2)}%, top-1 ${(accuracy * 100).toFixed(2)}% (reference ${(reference.top1_accuracy * 100).toFixed(2)}%)`,
    );
    assert.ok(agreement >= 0.999, `agreement ${agreement}`);
    assert.ok(
      Math.abs(accuracy - reference.top1_accuracy) <= 0.001,
      `accuracy ${accuracy} vs ${reference.top1_accuracy}`,
    );
    const names = JSON.parse(readFileSync(referencePath('cifar10_classes.json'), 'utf8')) as string[];
    for (const result of results.slice(0, 50)) {
      assert.equal(
        result.prediction,
        names[result.prediction_index as number],
        'class names travel with the converted model',
      );
    }
  });
}
