/** `fieldmark similar` and `fieldmark export` over a classified folder (real model, real catalog). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referencePath, tempDir } from '../helpers/paths.js';
import { runFieldmark, jsonLines } from '../helpers/cli.js';

const work = tempDir('similar');
const library = join(work.path, 'photos');
const model = join(work.path, 'm.onnx');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data') };
const photos = [
  'chelsea.png',
  'chelsea.tif',
  'chelsea.webp',
  'coffee.png',
  'astronaut.png',
  'rocket.jpg',
  'camera_grayscale.png',
  'zero_bytes.jpg',
];

before(async () => {
  mkdirSync(library);
  for (const name of photos) copyFileSync(referencePath('photos', name), join(library, name));
  assert.equal(
    (
      await runFieldmark(
        ['models', 'build', '--arch', 'resnet18', '--classes', 'imagenet1k', '--seed', '2', '--out', model],
        env,
      )
    ).code,
    0,
  );
  const classified = await runFieldmark(['classify', library, '--model', model], env);
  assert.equal(classified.code, 0, classified.stderr);
});
after(() => work.cleanup());

test('similar ranks the same picture in other formats first, with cosine ~1', async () => {
  const run = await runFieldmark(['similar', library, 'chelsea.png', '--top', '3', '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  const lines = jsonLines(run.stdout);
  assert.equal(lines.length, 3);
  assert.deepEqual(
    lines
      .slice(0, 2)
      .map((l) => l.path)
      .sort(),
    ['chelsea.tif', 'chelsea.webp'],
  );
  for (const line of lines.slice(0, 2)) assert.ok((line.score as number) > 0.99, JSON.stringify(line));
  assert.ok((lines[2]!.score as number) < (lines[1]!.score as number));
  assert.ok(!lines.some((l) => l.path === 'chelsea.png'), 'the query itself is not listed');
});

test('similar refuses an image that is not in the library, saying so', async () => {
  const run = await runFieldmark(['similar', library, 'nope.jpg'], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /expected an image of the library, received "nope.jpg"/);
  const broken = await runFieldmark(['similar', library, 'zero_bytes.jpg'], env);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /has no feature vector/);
});

test('export writes one row per image with its label and saved prediction, without running the model', async () => {
  const csv = join(work.path, 'labels.csv');
  const run = await runFieldmark(['export', library, '--csv', csv], env);
  assert.equal(run.code, 0, run.stderr);
  const rows = readFileSync(csv, 'utf8').split('\r\n').filter(Boolean);
  assert.equal(rows[0], 'path,label,label_source,label_rank,prediction,confidence,top_k,model,labelled_at');
  // Every image, the failed one too (it has no prediction, but it could carry a label).
  assert.deepEqual(
    rows.slice(1).map((r) => r.split(',')[0]),
    [...photos].sort(),
  );
  // The untrained imagenet1k model's classes have real names (models/labels/imagenet1k.json), never "class N".
  const predicted = rows.slice(1).filter((r) => !r.startsWith('zero_bytes.jpg'));
  assert.ok(
    predicted.every((r) => !/,class \d+,/.test(r) && r.split(',')[4] !== ''),
    predicted.join('\n'),
  );
  const missingCsv = await runFieldmark(['export', library], env);
  assert.equal(missingCsv.code, 2);
  assert.match(missingCsv.stderr, /--csv is required/);
});
