/**
 * Issue 12, item 2: files that disappear are marked missing, never deleted; a root that lost
 * all or most of its files is unavailable (nothing changes); labels and results return with
 * their files; only `fieldmark prune` deletes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/paths.js';
import { runFieldmark, jsonLines } from '../helpers/cli.js';
import { buildTinyModel, makeCifarLibrary } from './faults-fixture.js';

const work = tempDir('faults-missing');
const library = join(work.path, 'photos');
const aside = join(work.path, 'aside');
const model = join(work.path, 'tiny.onnx');
const db = join(work.path, 'cat.db');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data') };
let names: string[] = [];

interface Counts {
  images: number;
  missing: number;
  predictions: number;
  features: number;
  labels: number;
}

function counts(): Counts {
  const conn = new Database(db, { readonly: true });
  try {
    const count = (sql: string) => conn.prepare(sql).pluck().get() as number;
    return {
      images: count('SELECT COUNT(*) FROM images'),
      missing: count('SELECT COUNT(*) FROM images WHERE missing_since IS NOT NULL'),
      predictions: count('SELECT COUNT(*) FROM predictions'),
      features: count('SELECT COUNT(*) FROM features'),
      labels: count('SELECT COUNT(*) FROM labels'),
    };
  } finally {
    conn.close();
  }
}

function labelOf(relPath: string): string | undefined {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare('SELECT l.label FROM labels l JOIN images i ON i.id = l.image_id WHERE i.rel_path = ?')
      .pluck()
      .get(relPath) as string | undefined;
  } finally {
    conn.close();
  }
}

async function classify(): Promise<{
  code: number | null;
  stderr: string;
  summary: Record<string, unknown> | undefined;
}> {
  const run = await runFieldmark(['classify', library, '--model', model, '--db', db, '--json'], env);
  return { code: run.code, stderr: run.stderr, summary: jsonLines(run.stdout).find((line) => line.type === 'summary') };
}

before(async () => {
  names = makeCifarLibrary(library, 24);
  mkdirSync(aside);
  await buildTinyModel(model, 1, env);
  const first = await classify();
  assert.equal(first.code, 0, first.stderr);
  // Label every image (raw SQL: 'manual' is a valid source in every schema version).
  const conn = new Database(db);
  conn
    .prepare(
      `INSERT INTO labels (image_id, label, label_source, updated_at) SELECT id, 'label-' || rel_path, 'manual', '2026-01-01T00:00:00Z' FROM images`,
    )
    .run();
  conn.close();
  assert.deepEqual(counts(), { images: 24, missing: 0, predictions: 24, features: 24, labels: 24 });
});
after(() => work.cleanup());

test('an emptied library folder (an unmounted drive) changes nothing and classify says so (exit 1)', async () => {
  for (const name of names) renameSync(join(library, name), join(aside, name));
  const run = await classify();
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    run.stderr,
    /24 of the 24 catalogued files are gone .* nothing in the catalog was changed.*\(LibraryUnavailable\)/s,
  );
  assert.deepEqual(counts(), { images: 24, missing: 0, predictions: 24, features: 24, labels: 24 });
  for (const name of names) renameSync(join(aside, name), join(library, name));
  const back = await classify();
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.summary?.processed, 0, 'nothing to redo when the files return');
  assert.deepEqual(counts(), { images: 24, missing: 0, predictions: 24, features: 24, labels: 24 });
});

test('most files gone (13 of 24) is also refused; 2 gone are marked missing with results and labels kept', async () => {
  const gone = names.slice(0, 13);
  for (const name of gone) renameSync(join(library, name), join(aside, name));
  const most = await classify();
  assert.equal(most.code, 1, most.stderr);
  assert.match(most.stderr, /13 of the 24 catalogued files are gone/);
  assert.equal(counts().missing, 0);
  for (const name of gone.slice(2)) renameSync(join(aside, name), join(library, name));

  const some = await classify();
  assert.equal(some.code, 0, some.stderr);
  assert.equal(some.summary?.total, 22, 'missing images are not counted');
  assert.deepEqual(counts(), { images: 24, missing: 2, predictions: 24, features: 24, labels: 24 });
  const exported = join(work.path, 'out.csv');
  const run = await runFieldmark(['export', library, '--db', db, '--csv', exported], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /wrote 22 rows/);
});

test('a missing file that returns (same path, or same content elsewhere) gets its row, results and label back', async () => {
  const [first, second] = names;
  renameSync(join(aside, first!), join(library, first!));
  mkdirSync(join(library, 'moved'));
  renameSync(join(aside, second!), join(library, 'moved', second!));
  const run = await classify();
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.summary?.total, 24);
  assert.equal(run.summary?.processed, 0, 'their predictions came back with them');
  assert.deepEqual(counts(), { images: 24, missing: 0, predictions: 24, features: 24, labels: 24 });
  assert.equal(labelOf(first!), `label-${first}`);
  assert.equal(labelOf(`moved/${second}`), `label-${second}`);
});

test('prune deletes missing images on request; refuses a mass deletion without --force', async () => {
  renameSync(join(library, 'moved', names[1]!), join(aside, names[1]!));
  const pruned = await runFieldmark(['prune', library, '--db', db], env);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /pruned 1 missing image from/);
  assert.deepEqual(counts(), { images: 23, missing: 0, predictions: 23, features: 23, labels: 23 });

  for (const name of readdirSync(library))
    if (name.endsWith('.jpg')) renameSync(join(library, name), join(aside, name));
  const refused = await runFieldmark(['prune', library, '--db', db], env);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /LibraryUnavailable/);
  assert.equal(counts().images, 23);
  const forced = await runFieldmark(['prune', library, '--db', db, '--force'], env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /pruned 23 missing images/);
  assert.equal(counts().images, 0);
});
