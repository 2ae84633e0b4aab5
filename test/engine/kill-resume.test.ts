/**
 * SIGKILL in the middle of `fieldmark classify`, then a re-run: the catalog is intact, the work
 * saved before the kill is not redone, and no image ends up with two rows.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { referencePath, tempDir } from '../helpers/paths.js';
import { runFieldmark, spawnFieldmark, jsonLines } from '../helpers/cli.js';

const work = tempDir('kill');
after(() => work.cleanup());

test('a run killed with SIGKILL resumes without redoing saved work or duplicating rows', async () => {
  const library = join(work.path, 'birds');
  mkdirSync(library);
  const birds = readdirSync(referencePath('birds', 'images')).sort().slice(0, 120);
  for (const name of birds) copyFileSync(referencePath('birds', 'images', name), join(library, name));
  const model = join(work.path, 'm.onnx');
  const db = join(work.path, 'catalog.sqlite');
  const built = await runFieldmark([
    'models',
    'build',
    '--arch',
    'resnet18',
    '--classes',
    'imagenet1k',
    '--seed',
    '5',
    '--out',
    model,
  ]);
  assert.equal(built.code, 0, built.stderr);

  const child = spawnFieldmark(['classify', library, '--model', model, '--db', db, '--json', '--batch', '4']);
  let results = 0;
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      results = buffer.split('\n').filter((l) => l.includes('"type":"result"')).length;
      if (results >= 12) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('close', () => reject(new Error(`classify finished before it could be killed (${results} results)`)));
  });
  await new Promise((resolve) => child.once('close', resolve));
  assert.equal(child.signalCode, 'SIGKILL');

  const inspect = new Database(db, { readonly: true });
  assert.equal(inspect.pragma('integrity_check', { simple: true }), 'ok');
  const savedBeforeKill = (inspect.prepare('SELECT COUNT(*) AS n FROM predictions').get() as { n: number }).n;
  inspect.close();
  assert.ok(
    savedBeforeKill >= 12 && savedBeforeKill < birds.length,
    `saved ${savedBeforeKill} of ${birds.length} before the kill`,
  );

  const rerun = await runFieldmark(['classify', library, '--model', model, '--db', db, '--json', '--batch', '4']);
  assert.equal(rerun.code, 0, rerun.stderr);
  const summary = jsonLines(rerun.stdout).find((l) => l.type === 'summary')!;
  assert.equal(summary.processed, birds.length - savedBeforeKill, 'only the unsaved images are processed again');
  assert.equal(summary.total, birds.length);

  const check = new Database(db, { readonly: true });
  const counts = check
    .prepare('SELECT COUNT(*) AS rows, COUNT(DISTINCT image_id) AS images FROM predictions')
    .get() as { rows: number; images: number };
  const features = check.prepare('SELECT COUNT(*) AS n FROM features').get() as { n: number };
  const images = check.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number };
  check.close();
  assert.deepEqual(counts, { rows: birds.length, images: birds.length });
  assert.equal(features.n, birds.length);
  assert.equal(images.n, birds.length);
});
