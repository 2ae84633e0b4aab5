/**
 * A copy of the catalog before its schema changes (issue 12): a migration that goes wrong, or a
 * newer Fieldmark the user rolls back from, must never cost the catalog. SQLite's `VACUUM INTO`
 * writes a consistent, compact copy through the open connection (synchronous, unlike
 * better-sqlite3's `backup()`, so that opening a catalog stays synchronous).
 */
import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../util/errors.js';
import { toCatalogError } from './catalog-errors.js';

/** `<catalog>.backup-v<version>-<UTC time, e.g. 20261202T104735Z>`. */
export function backupPath(file: string, version: number, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${file}.backup-v${version}-${stamp}`;
}

/**
 * Writes a backup of the catalog at schema `version` beside it; returns its path.
 * @throws FieldmarkError (DiskFull, CatalogReadOnly, ...) when the copy cannot be written: then nothing is migrated.
 */
export function backupCatalog(
  db: BetterSqlite3.Database,
  file: string,
  version: number,
  at: Date = new Date(),
): string {
  let target = backupPath(file, version, at);
  // Two upgrades in the same second (tests, or two processes) keep both copies.
  for (let n = 2; existsSync(target); n += 1) target = `${backupPath(file, version, at)}-${n}`;
  try {
    db.prepare('VACUUM INTO ?').run(target);
  } catch (error) {
    const mapped = toCatalogError(error, file);
    const detail = mapped instanceof Error ? mapped.message : String(mapped);
    throw new FieldmarkError(
      mapped instanceof FieldmarkError ? mapped.kind : 'WriteFailed',
      `cannot back up ${file} to ${target} before upgrading it, so it was not upgraded: ${detail}`,
      {
        cause: error,
      },
    );
  }
  return target;
}
