/** Applies the numbered migrations, each in its own transaction, and refuses files it cannot own. */
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../util/errors.js';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { backupCatalog } from './catalog-backup.js';

/** `PRAGMA application_id` of Fieldmark catalogs: "FMK1" in ASCII, so `file(1)` and we can tell them apart. */
export const FIELDMARK_APPLICATION_ID = 0x464d4b31;

MIGRATIONS.forEach((migration, index) => {
  if (migration.version !== index + 1) {
    throw new FieldmarkError(
      'Internal',
      `migration "${migration.name}" has version ${migration.version} but sits at position ${index + 1}`,
    );
  }
});

function pragmaNumber(db: BetterSqlite3.Database, name: string): number {
  const value: unknown = db.pragma(name, { simple: true });
  return typeof value === 'number' ? value : 0;
}

function hasMigrationsTable(db: BetterSqlite3.Database): boolean {
  return (
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get() !== undefined
  );
}

/** The schema version recorded in the file (0 for a new, empty file). */
export function currentSchemaVersion(db: BetterSqlite3.Database): number {
  if (!hasMigrationsTable(db)) return 0;
  const value: unknown = db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get();
  return typeof value === 'number' ? value : 0;
}

/**
 * Checks that `file` is a Fieldmark catalog this version understands; returns its version.
 * @throws FieldmarkError CatalogCorrupt for another application's database or a newer schema.
 */
export function checkCatalogFile(db: BetterSqlite3.Database, file: string): number {
  const applicationId = pragmaNumber(db, 'application_id');
  if (applicationId !== 0 && applicationId !== FIELDMARK_APPLICATION_ID) {
    throw new FieldmarkError(
      'CatalogCorrupt',
      `${file} is a SQLite database of another application (application_id ${applicationId}), not a Fieldmark catalog`,
    );
  }
  const tableCount: unknown = db.prepare(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`).pluck().get();
  if (!hasMigrationsTable(db) && typeof tableCount === 'number' && tableCount > 0) {
    throw new FieldmarkError(
      'CatalogCorrupt',
      `${file} is a SQLite database without Fieldmark's schema_migrations table, not a Fieldmark catalog`,
    );
  }
  const version = currentSchemaVersion(db);
  if (version > LATEST_SCHEMA_VERSION) {
    throw new FieldmarkError(
      'CatalogCorrupt',
      `${file} was written by a newer Fieldmark (schema version ${version}; this version knows up to ${LATEST_SCHEMA_VERSION}); update Fieldmark to open it`,
    );
  }
  return version;
}

/**
 * Brings the catalog up to `targetVersion` (default: the latest), one transaction per migration.
 * Tests pass a lower target to build databases of older versions.
 * @throws FieldmarkError CatalogCorrupt (see checkCatalogFile), InvalidArgument for a bad target.
 */
export function migrateCatalog(
  db: BetterSqlite3.Database,
  file: string,
  targetVersion: number = LATEST_SCHEMA_VERSION,
): number {
  if (!Number.isInteger(targetVersion) || targetVersion < 0 || targetVersion > LATEST_SCHEMA_VERSION) {
    throw new FieldmarkError(
      'InvalidArgument',
      `targetVersion: expected an integer from 0 to ${LATEST_SCHEMA_VERSION} but received ${targetVersion}`,
    );
  }
  const from = checkCatalogFile(db, file);
  // A catalog with data gets a backup before its schema changes; a new, empty one has nothing to lose.
  if (from > 0 && from < targetVersion) backupCatalog(db, file, from);
  for (const migration of MIGRATIONS) {
    if (migration.version > targetVersion) break;
    const apply = db.transaction(() => {
      // Re-read inside the (IMMEDIATE, so exclusive-for-writers) transaction: another process
      // opening the same catalog may have applied this step a moment ago.
      if (currentSchemaVersion(db) >= migration.version) return;
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      migration.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
      if (migration.version === 1) db.pragma(`application_id = ${FIELDMARK_APPLICATION_ID}`);
    });
    apply.immediate();
  }
  return currentSchemaVersion(db);
}
