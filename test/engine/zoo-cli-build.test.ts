import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../main/cli/args.js';
import { modelsCommand } from '../../main/cli/commands/models.js';
import { FieldmarkError } from '../../main/util/errors.js';
import { readModelMetadata } from '../../main/zoo/onnx/model-file.js';
import { captureContext } from '../fixtures/cli-capture.js';
import { makeTempDir } from '../fixtures/zoo-helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
before(async () => ({ dir, cleanup } = await makeTempDir('zoo-cli-build')));
after(() => cleanup());

test('models build writes the model and says it is untrained', async () => {
  const io = captureContext(dir);
  const code = await modelsCommand(
    ['build', '--arch', 'akamaster-resnet20', '--classes', 'cifar10', '--seed', '42', '--out', 'r20.onnx'],
    io.context,
  );
  assert.equal(code, 0);
  const lines = io.stdout().trim().split('\n');
  assert.equal(lines[0], join(dir, 'r20.onnx'));
  assert.match(lines[1] ?? '', /akamaster-resnet20, 10 classes \(cifar10\), 0\.27M parameters \(269722\)/);
  assert.match(lines[2] ?? '', /untrained/);
  const metadata = await readModelMetadata(join(dir, 'r20.onnx'));
  assert.deepEqual(metadata.source, { kind: 'seeded', seed: 42 });
});

test('models build takes class names from a JSON file relative to the working folder', async () => {
  await writeFile(join(dir, 'birds.json'), JSON.stringify(['robin', 'wren', 'owl']));
  const io = captureContext(dir);
  await modelsCommand(
    ['build', '--arch', 'resnet18-cifar', '--classes', 'birds.json', '--seed', '1', '--out', 'birds.onnx'],
    io.context,
  );
  const metadata = await readModelMetadata(join(dir, 'birds.onnx'));
  assert.deepEqual(metadata.classNames, ['robin', 'wren', 'owl']);
  assert.equal(metadata.labelSet, 'custom');
});

test('bad arguments are usage errors that say what was expected', async () => {
  const run = (args: string[]) => modelsCommand(args, captureContext(dir).context);
  await assert.rejects(run([]), UsageError);
  await assert.rejects(run(['frobnicate']), /unknown subcommand "frobnicate"/);
  await assert.rejects(run(['build', '--classes', 'cifar10', '--seed', '1', '--out', 'x.onnx']), /--arch is required/);
  await assert.rejects(
    run(['build', '--arch', 'resnet19', '--classes', 'cifar10', '--seed', '1', '--out', 'x.onnx']),
    /--arch: expected one of .*received "resnet19"/,
  );
  await assert.rejects(
    run(['build', '--arch', 'resnet18', '--classes', 'cifar10', '--seed=-3', '--out', 'x.onnx']),
    /--seed: expected an integer from 0 to 4294967295, received "-3"/,
  );
  await assert.rejects(
    run(['build', '--arch', 'resnet18', '--classes', 'cifar10', '--seed', '1', '--out', 'x.onnx', '--bogus']),
    UsageError,
  );
  await assert.rejects(
    run(['build', '--arch', 'resnet18', '--classes', 'imagenet22k', '--seed', '1', '--out', 'x.onnx']),
    (error: unknown) => {
      assert.ok(error instanceof FieldmarkError && error.kind === 'InvalidArgument');
      assert.match(
        error.message,
        /classes: expected one of imagenet1k, cub200, cifar10, cifar100 or the path of a JSON list/,
      );
      return true;
    },
  );
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ not: 'a list' }));
  await assert.rejects(
    run(['build', '--arch', 'resnet18', '--classes', 'bad.json', '--seed', '1', '--out', 'x.onnx']),
    /expected a non-empty JSON array of non-empty strings/,
  );
});
