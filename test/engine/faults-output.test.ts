/** Issue 12, item 1: a CSV output never destroys the catalog, and is written atomically. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/paths.js';
import { runFieldmark } from '../helpers/cli.js';
import { buildTinyModel, makeCifarLibrary } from './faults-fixture.js';
import { writeOutputFileAtomic } from '../../main/engine/export/safe-output.js';
import { FieldmarkError } from '../../main/util/errors.js';
import { writeChunksAtomic } from '../../main/util/atomic-file.js';

const work = tempDir('faults-output');
const library = join(work.path, 'photos');
const model = join(work.path, 'tiny.onnx');
const db = join(work.path, 'cat.db');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data') };

function imageCount(file: string): number {
  const conn = new Database(file, { readonly: true });
  try {
    assert.equal(conn.pragma('integrity_check', { simple: true }), 'ok');
    return conn.prepare('SELECT COUNT(*) FROM images').pluck().get() as number;
  } finally {
    conn.close();
  }
}

before(async () => {
  makeCifarLibrary(library, 6);
  await buildTinyModel(model, 1, env);
  const run = await runFieldmark(['classify', library, '--model', model, '--db', db], env);
  assert.equal(run.code, 0, run.stderr);
});
after(() => work.cleanup());

test('classify --csv naming the catalog is refused (exit 2) and the catalog survives', async () => {
  const run = await runFieldmark(['classify', library, '--model', model, '--db', db, '--csv', db], env);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /refusing to write .*cat\.db: it is the catalog/);
  assert.equal(imageCount(db), 6);
});

test('export --csv naming the catalog, its -wal, a symlink or a hard link to it is refused', async () => {
  const symlink = join(work.path, 'link.csv');
  symlinkSync(db, symlink);
  const hardLink = join(work.path, 'hard.csv');
  linkSync(db, hardLink);
  for (const target of [db, `${db}-wal`, `${db}-shm`, symlink, hardLink, join(work.path, '.', 'cat.db')]) {
    const run = await runFieldmark(['export', library, '--db', db, '--csv', target], env);
    assert.equal(run.code, 2, `${target}: ${run.stderr}`);
    assert.match(run.stderr, /refusing to write/);
  }
  assert.equal(imageCount(db), 6);
});

test('export writes through a temporary file: a good export replaces the old file, no temp is left', async () => {
  const csv = join(work.path, 'out', 'labels.csv');
  mkdirSync(join(work.path, 'out'));
  writeFileSync(csv, 'old content\n');
  const run = await runFieldmark(['export', library, '--db', db, '--csv', csv], env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(readFileSync(csv, 'utf8'), /^path,label,/);
  assert.equal(readFileSync(csv, 'utf8').split('\r\n').filter(Boolean).length, 7);
  assert.deepEqual(readdirSync(join(work.path, 'out')), ['labels.csv']);
});

test('writeOutputFileAtomic: a failed write leaves the old file and no temporary file', {
  skip: process.getuid?.() === 0 ? 'root ignores folder permissions' : false,
}, () => {
  const folder = join(work.path, 'locked');
  mkdirSync(folder);
  const target = join(folder, 'x.csv');
  writeFileSync(target, 'keep me');
  chmodSync(folder, 0o555);
  try {
    assert.throws(
      () => writeOutputFileAtomic(target, 'new', { protectedPaths: [] }),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'WriteFailed',
    );
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
    assert.deepEqual(readdirSync(folder), ['x.csv']);
  } finally {
    chmodSync(folder, 0o755);
  }
});

test('writeOutputFileAtomic: a missing folder fails with WriteFailed, a folder target with InvalidArgument', () => {
  const missing = join(work.path, 'nope', 'x.csv');
  assert.throws(
    () => writeOutputFileAtomic(missing, 'a', { protectedPaths: [db] }),
    (error: unknown) => error instanceof FieldmarkError && error.kind === 'WriteFailed',
  );
  assert.equal(existsSync(missing), false);
  assert.throws(
    () => writeOutputFileAtomic(work.path, 'a', { protectedPaths: [db] }),
    (error: unknown) => error instanceof FieldmarkError && error.kind === 'InvalidArgument',
  );
  const journal = `${db}-journal`;
  assert.throws(() => writeOutputFileAtomic(journal, 'a', { protectedPaths: [db] }), /the catalog's -journal file/);
  assert.equal(existsSync(journal), false);
});

test('model files are written atomically too: no temporary file is left, a failed write keeps the target', async () => {
  const folder = join(work.path, 'models-out');
  mkdirSync(folder);
  const out = join(folder, 'm.onnx');
  await buildTinyModel(out, 2, env);
  assert.deepEqual(readdirSync(folder), ['m.onnx']);
  // A folder in the way: the rename fails, the temporary file is removed, the folder is untouched.
  mkdirSync(join(folder, 'blocked.onnx'));
  writeFileSync(join(folder, 'blocked.onnx', 'keep'), 'x');
  await assert.rejects(writeChunksAtomic(join(folder, 'blocked.onnx'), [Buffer.from('model bytes')]));
  assert.deepEqual(readdirSync(folder).sort(), ['blocked.onnx', 'm.onnx']);
  assert.deepEqual(readdirSync(join(folder, 'blocked.onnx')), ['keep']);
});
