/**
 * Issue 13: a model that cannot be used stops `classify` and `serve` before any work, with exit 2
 * and a message naming the model and the fix (unknown id, registry model not downloaded, broken file).
 */
import assert from 'node:assert/strict';
import { writeFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFieldmark } from '../helpers/cli.js';
import { makeTempDir, referencePath } from '../fixtures/zoo-helpers.js';

async function setup() {
  const temp = await makeTempDir('fieldmark-model-errors-');
  const env = {
    FIELDMARK_CACHE_DIR: join(temp.dir, 'cache'),
    FIELDMARK_DATA_DIR: join(temp.dir, 'data'),
    FIELDMARK_USER_DATA: join(temp.dir, 'user'),
  };
  const broken = join(temp.dir, 'broken.onnx');
  await writeFile(broken, 'this is not an ONNX file, just text');
  const folder = join(temp.dir, 'photos');
  await mkdir(folder);
  return { ...temp, env, broken, folder };
}

const CASES = [
  {
    name: 'an unknown id',
    model: () => 'resnet999_nonexistent',
    expect: (stderr: string) =>
      /resnet999_nonexistent/.test(stderr) && /models list|models download|\.onnx/.test(stderr),
  },
  {
    name: 'a registry model not downloaded',
    model: () => 'resnet18_8xb32_in1k',
    expect: (stderr: string) =>
      stderr.includes('fieldmark models download resnet18_8xb32_in1k') && stderr.includes('models import'),
  },
  {
    name: 'a broken model file',
    model: (broken: string) => broken,
    expect: (stderr: string, broken: string) =>
      stderr.includes(broken) && /models import|\.onnx file path/.test(stderr),
  },
];

for (const command of ['classify', 'serve'] as const) {
  for (const { name, model, expect } of CASES) {
    test(`${command} with ${name} exits 2 naming the model and the fix, before any work`, async (t) => {
      const fixture = await setup();
      t.after(fixture.cleanup);
      const db = join(fixture.dir, 'catalog.sqlite');
      const run = await runFieldmark(
        [command, fixture.folder, '--model', model(fixture.broken), '--db', db],
        fixture.env,
      );
      assert.equal(run.code, 2, `${run.stderr}\n${run.stdout}`);
      assert.ok(expect(run.stderr, fixture.broken), run.stderr);
      // Before any work: no catalog was made, serve printed no URL.
      assert.deepEqual(
        (await readdir(fixture.dir)).filter((file) => file.startsWith('catalog')),
        [],
      );
      assert.equal(run.stdout.trim(), '');
    });
  }
}

test('classify still runs with a usable model (the check is not over-eager)', async (t) => {
  const fixture = await setup();
  t.after(fixture.cleanup);
  const model = join(fixture.dir, 'ok.onnx');
  const build = await runFieldmark(
    ['models', 'build', '--arch', 'resnet18-cifar', '--classes', 'cifar10', '--seed', '1', '--out', model],
    fixture.env,
  );
  assert.equal(build.code, 0, build.stderr);
  const run = await runFieldmark(
    ['classify', referencePath('photos'), '--model', model, '--db', join(fixture.dir, 'c.sqlite'), '--json'],
    fixture.env,
  );
  assert.equal(run.code, 0, run.stderr);
});
