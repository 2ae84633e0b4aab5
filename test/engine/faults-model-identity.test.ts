/**
 * Issue 12, item 5: a checkpoint converted "like" a registry model does not take its id, and a
 * catalog never credits one model file's results to another.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { referencePath, tempDir } from '../helpers/paths.js';
import { jsonLines, runFieldmark } from '../helpers/cli.js';
import { makeCifarLibrary } from './faults-fixture.js';
import { readModelMetadata } from '../../main/zoo/onnx/model-file.js';

const work = tempDir('faults-model-id');
const library = join(work.path, 'photos');
const db = join(work.path, 'cat.db');
const real = join(work.path, 'r20.onnx');
const custom = join(work.path, 'custom.onnx');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data'), FIELDMARK_CACHE_DIR: join(work.path, 'cache') };
const R20 = 'akamaster-resnet20_cifar10';

function predictionsOf(modelKey: string): Record<string, number>[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        'SELECT i.rel_path, p.top1_index, p.top1_prob FROM predictions p JOIN images i ON i.id = p.image_id JOIN models m ON m.id = p.model_id WHERE m.model_key = ? ORDER BY i.rel_path',
      )
      .all(modelKey) as Record<string, number>[];
  } finally {
    conn.close();
  }
}

before(async () => {
  makeCifarLibrary(library, 8);
  const convertReal = await runFieldmark(
    ['models', 'convert', referencePath('weights', 'resnet20-12fca82f.th'), '--like', R20, '--out', real],
    env,
  );
  assert.equal(convertReal.code, 0, convertReal.stderr);
});
after(() => work.cleanup());

test('models convert --like with another checkpoint gives it its own id, derived from its hash', async () => {
  const checkpoint = referencePath('weights', 'resnet32-d509ac18.th');
  const converted = await runFieldmark(['models', 'convert', checkpoint, '--like', R20, '--out', custom], env);
  assert.equal(converted.code, 0, converted.stderr);
  const sha12 = createHash('sha256').update(readFileSync(checkpoint)).digest('hex').slice(0, 12);
  assert.equal((await readModelMetadata(custom)).id, `resnet32-d509ac18-${sha12}`);
  // The registry's own checkpoint still takes the registry id.
  assert.equal((await readModelMetadata(real)).id, R20);
  // A file merely named like a registry model is not that model.
  const lookalike = join(work.path, `${R20}.th`);
  copyFileSync(checkpoint, lookalike);
  const out = join(work.path, 'lookalike.onnx');
  assert.equal((await runFieldmark(['models', 'convert', lookalike, '--out', out], env)).code, 0);
  assert.equal((await readModelMetadata(out)).id, `${R20}-${sha12}`);
});

test('classify with the custom model keeps the real ResNet-20 results and credits the custom model', async () => {
  const first = await runFieldmark(['classify', library, '--model', real, '--db', db, '--json'], env);
  assert.equal(first.code, 0, first.stderr);
  const saved = predictionsOf(R20);
  assert.equal(saved.length, 8);
  const second = await runFieldmark(['classify', library, '--model', custom, '--db', db, '--json'], env);
  assert.equal(second.code, 0, second.stderr);
  const results = jsonLines(second.stdout).filter((line) => line.type === 'result');
  assert.equal(results.length, 8, 'the custom model runs on every image (nothing is borrowed from ResNet-20)');
  assert.ok(
    results.every((line) => line.model !== R20 && String(line.model).startsWith('resnet32-d509ac18-')),
    JSON.stringify(results[0]),
  );
  assert.deepEqual(predictionsOf(R20), saved, 'the real ResNet-20 results are untouched');
  const conn = new Database(db, { readonly: true });
  const models = conn.prepare('SELECT model_key, file_sha256 FROM models ORDER BY model_key').all() as {
    model_key: string;
    file_sha256: string;
  }[];
  conn.close();
  assert.equal(models.length, 2);
  const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  assert.deepEqual(models.map((m) => m.file_sha256).sort(), [fileHash(real), fileHash(custom)].sort());
});
