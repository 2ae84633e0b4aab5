/**
 * Issue 12, items 3, 4 and 6 and the "in addition" list: a damaged, empty, locked or
 * unwritable catalog gives a named error that names the file (no stack trace), is never
 * replaced or deleted, can be moved aside on request, and is backed up before a migration.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/paths.js';
import { runFieldmark } from '../helpers/cli.js';
import { buildTinyModel, makeCifarLibrary } from './faults-fixture.js';
import { Catalog, migrateCatalog, openDatabase } from '../../main/engine/catalog/index.js';
import { toCatalogError } from '../../main/engine/catalog/catalog-errors.js';
import { reconcileScan } from '../../main/engine/scan/index.js';
import { FieldmarkError } from '../../main/util/errors.js';

const work = tempDir('faults-catalog');
const library = join(work.path, 'photos');
const model = join(work.path, 'tiny.onnx');
const good = join(work.path, 'good.db');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data') };

const isKind = (kind: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof FieldmarkError && error.kind === kind && (pattern === undefined || pattern.test(error.message));

/** A copy of the classified catalog with seeded random bytes over the root page of `table`. */
function damagedCopy(name: string, table: string): string {
  const file = join(work.path, name);
  copyFileSync(good, file);
  const db = new Database(file, { readonly: true });
  const rootPage = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(table) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const bytes = Buffer.alloc(pageSize);
  let state = 12345;
  for (let i = 0; i < bytes.length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, (rootPage - 1) * pageSize);
  closeSync(fd);
  return file;
}

function assertNamedError(run: { code: number | null; stderr: string }, kind: string, file: string): void {
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`\\(${kind}\\)`));
  assert.ok(run.stderr.includes(file), `names ${file}: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error|SqliteError| {4}at /);
}

before(async () => {
  makeCifarLibrary(library, 16);
  await buildTinyModel(model, 1, env);
  const run = await runFieldmark(['classify', library, '--model', model, '--db', good], env);
  assert.equal(run.code, 0, run.stderr);
  // Fold the WAL into the file, so the copies below hold every page.
  const db = new Database(good);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
});
after(() => work.cleanup());

test('a damaged features page: classify, export and similar stop with CatalogCorrupt and write nothing', async () => {
  const file = damagedCopy('features.db', 'features');
  const before = statSync(file).mtimeMs;
  const first = readdirSync(library)[0]!;
  for (const args of [
    ['classify', library, '--model', model, '--db', file],
    ['export', library, '--db', file, '--csv', join(work.path, 'x.csv')],
    ['similar', library, first, '--db', file],
  ]) {
    assertNamedError(await runFieldmark(args, env), 'CatalogCorrupt', file);
  }
  assert.equal(statSync(file).mtimeMs, before, 'the damaged file is left as it was');
  assert.equal(existsSync(join(work.path, 'x.csv')), false);
});

test('a damaged images page: serve refuses to start, naming the file', async () => {
  const file = damagedCopy('images.db', 'images');
  const run = await runFieldmark(['serve', library, '--model', model, '--db', file, '--port', '0'], env);
  assertNamedError(run, 'CatalogCorrupt', file);
});

test('check finds the damage; --move-aside keeps the old file and starts a new catalog', async () => {
  const file = damagedCopy('check.db', 'features');
  const checked = await runFieldmark(['check', library, '--db', file], env);
  assert.equal(checked.code, 1);
  assert.match(checked.stderr, /integrity_check: .*\(CatalogCorrupt\)/);
  const moved = await runFieldmark(['check', library, '--db', file, '--move-aside'], env);
  assert.equal(moved.code, 0, moved.stderr);
  const kept = readdirSync(work.path).filter((name) => /^check\.db\.broken-\d{8}T\d{6}Z$/.test(name));
  assert.equal(kept.length, 1);
  assert.equal(statSync(join(work.path, kept[0]!)).size, statSync(good).size);
  const again = await runFieldmark(['classify', library, '--model', model, '--db', file], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await runFieldmark(['check', library, '--db', file], env)).code, 0);
});

test('a zero-byte or non-SQLite catalog is reported, never replaced', async () => {
  const empty = join(work.path, 'empty.db');
  writeFileSync(empty, '');
  assertNamedError(
    await runFieldmark(['classify', library, '--model', model, '--db', empty], env),
    'CatalogCorrupt',
    empty,
  );
  assert.equal(statSync(empty).size, 0);
  const text = join(work.path, 'text.db');
  writeFileSync(text, 'my notes\n'.repeat(1000));
  const run = await runFieldmark(['export', library, '--db', text, '--csv', join(work.path, 'y.csv')], env);
  assertNamedError(run, 'CatalogCorrupt', text);
  assert.match(run.stderr, /--move-aside/);
  assert.equal(statSync(text).size, 9000);
});

test('bad input exits 2: --db naming a folder, a folder that does not exist, an unknown model id', async () => {
  const folderDb = await runFieldmark(['classify', library, '--model', model, '--db', work.path], env);
  assert.equal(folderDb.code, 2, folderDb.stderr);
  assert.match(folderDb.stderr, /--db: expected a catalog file, received a folder/);
  const missing = await runFieldmark(['classify', join(work.path, 'nope'), '--model', model], env);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /does not exist/);
  const unknown = await runFieldmark(
    ['classify', library, '--model', 'no-such-model', '--db', join(work.path, 'u.db')],
    env,
  );
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /expected a path to an \.onnx file or a registry id/);
});

test('a catalog in a folder nobody can write to is CatalogReadOnly naming the file', {
  skip: process.platform === 'linux' ? false : 'uses /proc, where even root cannot create files',
}, async () => {
  const file = '/proc/fieldmark-test-catalog.db';
  assertNamedError(
    await runFieldmark(['classify', library, '--model', model, '--db', file], env),
    'CatalogReadOnly',
    file,
  );
  const nested = join(work.path, 'a-file', 'sub', 'cat.db');
  writeFileSync(join(work.path, 'a-file'), 'x');
  assertNamedError(
    await runFieldmark(['export', library, '--db', nested, '--csv', join(work.path, 'z.csv')], env),
    'CatalogReadOnly',
    nested,
  );
});

test('SQLite errors after opening become named errors naming the catalog (locked, read-only, full)', () => {
  const file = join(work.path, 'locked.db');
  const catalog = Catalog.open(file);
  const other = new Database(file);
  other.pragma('busy_timeout = 0');
  other.exec('BEGIN IMMEDIATE');
  try {
    catalog.connection.pragma('busy_timeout = 50'); // the default 5 s wait is the product's; the test needs no wait
    assert.throws(
      () => catalog.setSetting('k', 1),
      isKind('CatalogLocked', /locked\.db is busy: another Fieldmark process is writing it/),
    );
  } finally {
    other.exec('ROLLBACK');
    other.close();
    catalog.close();
  }
  // Codes that a root-run CI cannot provoke (permissions) or that need a full disk, by their SQLite code.
  const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });
  assert.ok(
    isKind(
      'CatalogReadOnly',
      /cat\.db cannot be written .* permissions/,
    )(toCatalogError(sqliteError('SQLITE_READONLY', 'attempt to write a readonly database'), '/x/cat.db')),
  );
  assert.ok(
    isKind('CatalogReadOnly')(
      toCatalogError(sqliteError('SQLITE_CANTOPEN', 'unable to open database file'), '/x/cat.db'),
    ),
  );
  assert.ok(
    isKind(
      'DiskFull',
      /cat\.db is full/,
    )(toCatalogError(sqliteError('SQLITE_FULL', 'database or disk is full'), '/x/cat.db')),
  );
  assert.ok(
    isKind(
      'CatalogCorrupt',
      /cat\.db is damaged/,
    )(toCatalogError(sqliteError('SQLITE_CORRUPT_INDEX', 'malformed'), '/x/cat.db')),
  );
  assert.ok(isKind('WriteFailed')(toCatalogError(sqliteError('SQLITE_IOERR_WRITE', 'disk I/O error'), '/x/cat.db')));
  const plain = new Error('not SQLite');
  assert.equal(toCatalogError(plain, '/x/cat.db'), plain);
});

test('a catalog is backed up (VACUUM INTO) before its schema is migrated', () => {
  const file = join(work.path, 'old.db');
  const db = openDatabase(file, false);
  migrateCatalog(db, file, 3);
  db.prepare(`INSERT INTO libraries (id, root_path, created_at) VALUES (1, '/photos', 'x')`).run();
  db.close();
  Catalog.open(file).close();
  const backups = readdirSync(work.path).filter((name) => /^old\.db\.backup-v3-\d{8}T\d{6}Z$/.test(name));
  assert.equal(backups.length, 1, readdirSync(work.path).join(' '));
  const backup = new Database(join(work.path, backups[0]!), { readonly: true });
  assert.equal(backup.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(), 3);
  assert.equal(backup.prepare('SELECT root_path FROM libraries').pluck().get(), '/photos');
  assert.equal(backup.pragma('integrity_check', { simple: true }), 'ok');
  backup.close();
  // Opening the upgraded catalog again makes no new backup.
  Catalog.open(file).close();
  assert.equal(readdirSync(work.path).filter((name) => name.startsWith('old.db.backup-')).length, 1);
});

test('a library root that cannot be listed is unavailable: the scan changes nothing', async () => {
  mkdirSync(join(work.path, 'unreadable'));
  const catalog = Catalog.open(join(work.path, 'unreadable.db'));
  try {
    const libraryId = catalog.ensureLibrary(join(work.path, 'unreadable'));
    await assert.rejects(
      reconcileScan(catalog, libraryId, [], { unreadable: [''] }),
      isKind('LibraryUnavailable', /cannot be listed/),
    );
  } finally {
    catalog.close();
  }
});
