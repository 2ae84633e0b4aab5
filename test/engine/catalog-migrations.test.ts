import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../main/util/errors.js';
import {
  Catalog,
  FIELDMARK_APPLICATION_ID,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrateCatalog,
  openDatabase,
} from '../../main/engine/catalog/index.js';
import { tempDir } from '../helpers/paths.js';

const isKind = (kind: string, pattern?: RegExp) => (error: unknown) =>
  error instanceof FieldmarkError && error.kind === kind && (pattern === undefined || pattern.test(error.message));

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

/** A catalog file migrated only up to `version`, as an older Fieldmark would have left it. */
function databaseAtVersion(file: string, version: number, seed: (db: BetterSqlite3.Database) => void): void {
  const db = openDatabase(file, false);
  assert.equal(migrateCatalog(db, file, version), version);
  seed(db);
  db.close();
}

/** Columns later migrations add to old tables: an upgrade keeps every old value, and these are new. */
const ADDED_LATER = new Set(['missing_since', 'margin', 'sort_date']);

/** Settings the catalog keeps for itself on open (sort-date.ts: the zone of the date keys). */
const KEPT_ON_OPEN = new Set(['catalog.sortDateZone']);

/** Every row of every user table (without the ADDED_LATER columns, nor KEPT_ON_OPEN settings), for before/after comparisons. */
function dumpTables(file: string, tables: string[]): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  const dump: Record<string, unknown[]> = {};
  const withoutLater = (row: unknown) =>
    Object.fromEntries(Object.entries(row as object).filter(([column]) => !ADDED_LATER.has(column)));
  // Sorted in JS: some tables are WITHOUT ROWID, and row order is not what is being compared.
  for (const table of tables)
    dump[table] = db
      .prepare(`SELECT * FROM ${table}`)
      .all()
      .filter((row) => !(table === 'settings' && KEPT_ON_OPEN.has((row as { key: string }).key)))
      .map((row) => JSON.stringify(withoutLater(row)))
      .sort();
  db.close();
  return dump;
}

function seedVersion1(db: BetterSqlite3.Database): void {
  const at = '2024-01-01T00:00:00.000Z';
  db.prepare('INSERT INTO libraries (id, root_path, created_at) VALUES (1, ?, ?)').run('/photos', at);
  const image = db.prepare(
    `INSERT INTO images (id, library_id, rel_path, size, mtime_ms, fingerprint, width, height, orientation, format, taken_at, camera, status, error_kind, error_message, updated_at)
     VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  image.run(
    1,
    'a/cat.jpg',
    1000,
    1700000000123.25,
    SHA_A,
    640,
    480,
    6,
    'jpeg',
    '2023-05-01T10:00:00',
    'Canon EOS',
    'ok',
    null,
    null,
    at,
  );
  image.run(
    2,
    'ünïcødé/dog.png',
    2000,
    1700000000456.5,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    'pending',
    null,
    null,
    at,
  );
  image.run(
    3,
    'broken.jpg',
    0,
    1700000000789,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    'failed',
    'EmptyFile',
    'broken.jpg is empty',
    at,
  );
  db.prepare(
    'INSERT INTO models (id, model_key, file_sha256, metadata_json, class_count, feature_dim, updated_at) VALUES (1, ?, ?, ?, 10, 4, ?)',
  ).run('resnet20_cifar10', SHA_B, '{"id":"resnet20_cifar10"}', at);
  db.prepare(
    'INSERT INTO predictions (image_id, model_id, top1_index, top1_prob, topk, created_at) VALUES (1, 1, 3, 0.9, ?, ?)',
  ).run('[[3,0.9],[5,0.05]]', at);
  db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?)').run('grid.size', '{"px":160}');
}

const V1_TABLES = ['libraries', 'images', 'models', 'predictions', 'settings'];

test('0001-initial: a new file becomes a WAL catalog with every migration recorded', () => {
  const dir = tempDir('catalog-mig1');
  try {
    const file = join(dir.path, 'nested', 'folders', 'lib.sqlite');
    const catalog = Catalog.open(file);
    const db = catalog.connection;
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('synchronous', { simple: true }), 1); // NORMAL
    assert.equal(db.pragma('application_id', { simple: true }), FIELDMARK_APPLICATION_ID);
    const versions = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
    catalog.close();
    // An empty (zero-byte) file is reported, never silently made into a new catalog (issue 12).
    const empty = join(dir.path, 'empty.sqlite');
    writeFileSync(empty, '');
    assert.throws(() => Catalog.open(empty), isKind('CatalogCorrupt', /empty\.sqlite is empty \(0 bytes\)/));
    assert.equal(readFileSync(empty).length, 0);
    // Re-opening applies nothing twice.
    const again = Catalog.open(file);
    assert.equal(
      again.connection.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get(),
      LATEST_SCHEMA_VERSION,
    );
    again.close();
  } finally {
    dir.cleanup();
  }
});

test('0002-features: a version-1 catalog with data upgrades, keeps every row, and stores features', () => {
  const dir = tempDir('catalog-mig2');
  try {
    const file = join(dir.path, 'v1.sqlite');
    databaseAtVersion(file, 1, seedVersion1);
    const before = dumpTables(file, V1_TABLES);
    const catalog = Catalog.open(file);
    assert.deepEqual(dumpTables(file, V1_TABLES), before);
    assert.deepEqual(catalog.stats(1, 1), { total: 3, ok: 1, failed: 1, pending: 1, predicted: 1 });
    assert.deepEqual(catalog.imageDetails(1, 1)?.prediction?.topk, [
      { index: 3, prob: 0.9 },
      { index: 5, prob: 0.05 },
    ]);
    // The old image had no feature row: features() is empty, and it is not re-queued (it has a prediction).
    assert.equal(catalog.features(1, 1).imageIds.length, 0);
    catalog.writeResults(1, [
      {
        imageId: 2,
        ok: true,
        fingerprint: SHA_A.replace('a', 'c'),
        width: 8,
        height: 8,
        orientation: 1,
        format: 'png',
        takenAt: null,
        camera: null,
        topk: [{ index: 1, prob: 0.5 }],
        feature: new Float32Array([0, 1, 0, 0]),
      },
    ]);
    const matrix = catalog.features(1, 1);
    assert.deepEqual([...matrix.imageIds], [2]);
    assert.deepEqual([...matrix.vectors], [0, 1, 0, 0]);
    catalog.close();
  } finally {
    dir.cleanup();
  }
});

test('0003-labels: a version-2 catalog with features upgrades, keeps every row, and stores labels', () => {
  const dir = tempDir('catalog-mig3');
  try {
    const file = join(dir.path, 'v2.sqlite');
    databaseAtVersion(file, 2, (db) => {
      seedVersion1(db);
      db.prepare('INSERT INTO features (image_id, model_id, dim, vector) VALUES (1, 1, 4, ?)').run(
        Buffer.from(new Float32Array([1, 0, 0, 0]).buffer),
      );
    });
    const tables = [...V1_TABLES, 'features'];
    const before = dumpTables(file, tables);
    const catalog = Catalog.open(file);
    assert.deepEqual(dumpTables(file, tables), before);
    assert.deepEqual([...catalog.features(1, 1).vectors], [1, 0, 0, 0]);
    catalog.setLabel(1, 'cat', 'manual');
    assert.equal(catalog.imageDetails(1, 1)?.label?.label, 'cat');
    assert.equal(catalog.labelHistory(1).length, 1);
    catalog.close();
  } finally {
    dir.cleanup();
  }
});

test('a catalog from a newer Fieldmark is refused as CatalogCorrupt and left untouched', () => {
  const dir = tempDir('catalog-newer');
  try {
    const file = join(dir.path, 'future.sqlite');
    Catalog.open(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      LATEST_SCHEMA_VERSION + 4,
      'from-the-future',
      'x',
    );
    db.close();
    assert.throws(
      () => Catalog.open(file),
      isKind(
        'CatalogCorrupt',
        new RegExp(
          `newer Fieldmark \\(schema version ${LATEST_SCHEMA_VERSION + 4}; this version knows up to ${LATEST_SCHEMA_VERSION}\\)`,
        ),
      ),
    );
    assert.throws(() => Catalog.open(file, { readonly: true }), isKind('CatalogCorrupt', /newer Fieldmark/));
    const after = new Database(file, { readonly: true });
    assert.deepEqual(after.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all(), [
      ...MIGRATIONS.map((m) => m.version),
      LATEST_SCHEMA_VERSION + 4,
    ]);
    after.close();
  } finally {
    dir.cleanup();
  }
});

test('a file that is not SQLite, or another application database, is CatalogCorrupt naming the file', () => {
  const dir = tempDir('catalog-notdb');
  try {
    const text = join(dir.path, 'notes.sqlite');
    writeFileSync(text, 'these are my notes, not a database\n'.repeat(100));
    assert.throws(
      () => Catalog.open(text),
      isKind('CatalogCorrupt', new RegExp(`${text.replace(/[.]/g, '\\.')} is not a SQLite database`)),
    );
    const other = join(dir.path, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE songs (title TEXT)');
    db.close();
    assert.throws(
      () => Catalog.open(other),
      isKind('CatalogCorrupt', /other\.sqlite is a SQLite database without Fieldmark's schema_migrations table/),
    );
    const foreign = join(dir.path, 'foreign.sqlite');
    const db2 = new Database(foreign);
    db2.pragma('application_id = 1234');
    db2.close();
    assert.throws(() => Catalog.open(foreign), isKind('CatalogCorrupt', /another application \(application_id 1234\)/));
  } finally {
    dir.cleanup();
  }
});

test('read-only connections neither create nor upgrade a catalog', () => {
  const dir = tempDir('catalog-readonly');
  try {
    const missing = join(dir.path, 'missing.sqlite');
    assert.throws(
      () => Catalog.open(missing, { readonly: true }),
      isKind('NotFound', /missing\.sqlite does not exist/),
    );
    const old = join(dir.path, 'old.sqlite');
    databaseAtVersion(old, 1, seedVersion1);
    assert.throws(
      () => Catalog.open(old, { readonly: true }),
      isKind('CatalogCorrupt', /schema version 1, older than/),
    );
    Catalog.open(old).close();
    const reader = Catalog.open(old, { readonly: true });
    assert.equal(reader.stats(1, null).total, 3);
    assert.throws(() => reader.setLabel(1, 'x', 'manual'), /readonly/);
    reader.close();
  } finally {
    dir.cleanup();
  }
});

test('0005-missing-images: a version-4 catalog upgrades, keeps every row, and marks gone files instead of deleting them', () => {
  const dir = tempDir('catalog-mig5');
  try {
    const file = join(dir.path, 'v4.sqlite');
    databaseAtVersion(file, 4, (db) => {
      seedVersion1(db);
      db.prepare(
        `INSERT INTO labels (image_id, label, label_source, updated_at) VALUES (1, 'cat', 'manual', '2024-01-01T00:00:00.000Z')`,
      ).run();
    });
    const tables = [...V1_TABLES, 'labels'];
    const before = dumpTables(file, tables);
    const catalog = Catalog.open(file);
    // Every old row is there, and every image is present (missing_since NULL).
    assert.deepEqual(dumpTables(file, tables), before);
    assert.equal(
      catalog.connection.prepare('SELECT COUNT(*) FROM images WHERE missing_since IS NULL').pluck().get(),
      3,
    );
    assert.equal(catalog.missingCount(1), 0);
    catalog.applyScanChanges(1, { added: [], touched: [], changed: [], renamed: [], removed: [1], returned: [] });
    assert.equal(catalog.missingCount(1), 1);
    assert.equal(catalog.stats(1, 1).total, 2, 'a missing image is not counted');
    assert.equal(
      catalog.connection.prepare('SELECT label FROM labels WHERE image_id = 1').pluck().get(),
      'cat',
      'its label is kept',
    );
    catalog.applyScanChanges(1, { added: [], touched: [], changed: [], renamed: [], removed: [], returned: [1] });
    assert.deepEqual(catalog.stats(1, 1), { total: 3, ok: 1, failed: 1, pending: 1, predicted: 1 });
    catalog.close();
  } finally {
    dir.cleanup();
  }
});

test('0004-labels-v2: a version-3 catalog with labels upgrades: sources mapped, history kept as undo steps, margins backfilled', () => {
  const dir = tempDir('catalog-mig4');
  try {
    const file = join(dir.path, 'v3.sqlite');
    databaseAtVersion(file, 3, (db) => {
      seedVersion1(db);
      const at = '2024-02-01T00:00:00.000Z';
      db.prepare(
        `INSERT INTO labels (image_id, label, label_source, updated_at) VALUES (1, 'tabby', 'accepted-prediction', ?), (2, 'dog', 'import', ?)`,
      ).run(at, at);
      const event = db.prepare(
        'INSERT INTO label_events (image_id, old_label, new_label, source, at) VALUES (?, ?, ?, ?, ?)',
      );
      event.run(1, null, 'cat', 'manual', at);
      event.run(1, 'cat', 'tabby', 'accepted-prediction', at);
      event.run(2, null, 'dog', 'import', at);
    });
    const before = dumpTables(file, V1_TABLES);
    const catalog = Catalog.open(file);
    assert.deepEqual(dumpTables(file, V1_TABLES), before);
    const db = catalog.connection;
    assert.deepEqual(
      db.prepare('SELECT image_id, label, label_source, rank, score FROM labels ORDER BY image_id').all(),
      [
        { image_id: 1, label: 'tabby', label_source: 'accepted', rank: 'species', score: null },
        { image_id: 2, label: 'dog', label_source: 'imported', rank: 'species', score: null },
      ],
    );
    assert.ok(
      Math.abs((db.prepare('SELECT margin FROM predictions WHERE image_id = 1').pluck().get() as number) - 0.85) < 1e-9,
    );
    // A writer that leaves the margin out (or updates only the top-k) still gets it, from the top-k.
    db.prepare(
      `INSERT INTO predictions (image_id, model_id, top1_index, top1_prob, topk, created_at) VALUES (3, 1, 2, 0.5, '[[2,0.5],[4,0.375]]', 'x')`,
    ).run();
    assert.equal(db.prepare('SELECT margin FROM predictions WHERE image_id = 3').pluck().get(), 0.125);
    db.prepare(`UPDATE predictions SET topk = '[[2,0.75],[4,0.25]]' WHERE image_id = 3`).run();
    assert.equal(db.prepare('SELECT margin FROM predictions WHERE image_id = 3').pluck().get(), 0.5);
    assert.deepEqual(
      catalog.labels.history(1).map((h) => [h.oldLabel, h.newLabel, h.source, h.undone]),
      [
        [null, 'cat', 'manual', false],
        ['cat', 'tabby', 'accepted', false],
      ],
    );
    // The old events are undo steps: undoing the last one (image 2's import) and the one before restores the older state.
    assert.equal(catalog.labels.undo(1)?.changedImageIds[0], 2);
    assert.equal(catalog.labels.labelsOf(1, [2]).size, 0);
    catalog.labels.undo(1);
    assert.equal(catalog.labels.labelsOf(1, [1]).get(1)?.label, 'cat');
    assert.equal(db.prepare('SELECT COUNT(*) FROM vocabulary').pluck().get(), 0);
    catalog.close();
  } finally {
    dir.cleanup();
  }
});

/** The date order before migration 0006: its key computed per row, as the old query did. */
const OLD_DATE_KEY = `COALESCE(taken_at, strftime('%Y-%m-%dT%H:%M:%S', mtime_ms / 1000.0, 'unixepoch', 'localtime'))`;

test('0006-list-indexes: a version-5 catalog is backed up, sort_date is backfilled in the old date order, and new writes fill it', () => {
  const dir = tempDir('catalog-mig6');
  try {
    const file = join(dir.path, 'v5.sqlite');
    databaseAtVersion(file, 5, (db) => {
      seedVersion1(db);
      const image = db.prepare(
        `INSERT INTO images (id, library_id, rel_path, size, mtime_ms, taken_at, status, updated_at) VALUES (?, 1, ?, 1, ?, ?, 'ok', 'x')`,
      );
      // Capture times, mtimes around them (local time decides where they fall), equal keys
      // (path breaks the tie), and a non-EXIF date kept as given (text order).
      image.run(4, 'b/same.jpg', 1700000000000, '2023-11-14T12:00:00');
      image.run(5, 'a/same.jpg', 1700000000000, '2023-11-14T12:00:00');
      image.run(6, 'c/old-mtime.jpg', 1000000000000, null);
      image.run(7, 'c/new-mtime.jpg', 1800000000000.5, null);
      image.run(8, 'd/odd-date.jpg', 1, 'Sunday');
    });
    const oldOrder = (order: 'ASC' | 'DESC'): number[] => {
      const db = new Database(file, { readonly: true });
      const ids = db
        .prepare(`SELECT id FROM images WHERE library_id = 1 ORDER BY ${OLD_DATE_KEY} ${order}, rel_path ${order}`)
        .pluck()
        .all() as number[];
      db.close();
      return ids;
    };
    const [asc, desc] = [oldOrder('ASC'), oldOrder('DESC')];
    const before = dumpTables(file, [...V1_TABLES, 'labels']);

    const catalog = Catalog.open(file);
    assert.deepEqual(dumpTables(file, [...V1_TABLES, 'labels']), before);
    assert.equal(readdirSync(dir.path).filter((name) => /^v5\.sqlite\.backup-v5-/.test(name)).length, 1);
    const db = catalog.connection;
    assert.deepEqual(
      db.prepare(`SELECT COUNT(*) FROM images WHERE sort_date IS NOT ${OLD_DATE_KEY}`).pluck().get(),
      0,
      'every row holds the key the old query computed',
    );
    const base = { libraryId: 1, modelRowId: 1, sort: 'date' } as const;
    assert.deepEqual(catalog.listImageIds({ ...base, order: 'asc' }), asc);
    assert.deepEqual(catalog.listImageIds({ ...base, order: 'desc' }), desc);
    assert.deepEqual(
      catalog.listImages({ ...base, order: 'desc', offset: 2, limit: 4 }).items.map((item) => item.id),
      desc.slice(2, 6),
    );
    // The date sort reads its index, in both directions (no sort of the library).
    for (const order of ['ASC', 'DESC'])
      assert.doesNotMatch(
        JSON.stringify(
          db
            .prepare(
              `EXPLAIN QUERY PLAN SELECT id FROM images i WHERE library_id = 1 AND missing_since IS NULL ORDER BY sort_date ${order}, rel_path ${order}`,
            )
            .all(),
        ),
        /TEMP B-TREE/,
      );

    // Every writer of taken_at or mtime_ms keeps the key: a scan adds, touches, renames, changes;
    // a result brings a capture time; a failure drops it.
    const keyOf = (id: number): unknown => db.prepare('SELECT sort_date FROM images WHERE id = ?').pluck().get(id);
    const expectedKey = (id: number): unknown =>
      db.prepare(`SELECT ${OLD_DATE_KEY} FROM images WHERE id = ?`).pluck().get(id);
    const empty = { added: [], touched: [], changed: [], renamed: [], removed: [] };
    catalog.applyScanChanges(1, {
      ...empty,
      added: [{ relPath: 'e/new.jpg', size: 5, mtimeMs: 1600000000000, fingerprint: null }],
    });
    const added = db.prepare(`SELECT id FROM images WHERE rel_path = 'e/new.jpg'`).pluck().get() as number;
    assert.match(String(keyOf(added)), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    assert.equal(keyOf(added), expectedKey(added));
    catalog.writeResults(1, [
      {
        imageId: added,
        ok: true,
        fingerprint: SHA_A,
        width: 1,
        height: 1,
        orientation: 1,
        format: 'jpeg',
        takenAt: '2001:02:03 04:05:06',
        camera: null,
        topk: [{ index: 0, prob: 1 }],
        feature: new Float32Array([1, 0, 0, 0]),
      },
    ]);
    assert.equal(keyOf(added), '2001-02-03T04:05:06');
    catalog.applyScanChanges(1, {
      ...empty,
      touched: [{ id: 6, size: 2, mtimeMs: 1500000000000, fingerprint: SHA_B }],
    });
    catalog.applyScanChanges(1, {
      ...empty,
      renamed: [{ id: 7, relPath: 'c/renamed.jpg', size: 1, mtimeMs: 1400000000000 }],
    });
    catalog.applyScanChanges(1, { ...empty, changed: [{ id: 4, size: 9, mtimeMs: 1300000000000, fingerprint: null }] });
    catalog.writeResults(1, [
      { imageId: 5, ok: false, fingerprint: null, errorKind: 'DecodeFailed', errorMessage: 'broken' },
    ]);
    for (const id of [6, 7, 4, 5]) assert.equal(keyOf(id), expectedKey(id), `image ${id}`);
    assert.equal(keyOf(4), expectedKey(4));
    assert.notEqual(keyOf(4), '2023-11-14T12:00:00', 'changed content forgets the capture time');
    assert.equal(db.prepare('SELECT COUNT(*) FROM images WHERE sort_date IS NULL').pluck().get(), 0);
    catalog.close();
  } finally {
    dir.cleanup();
  }
});
