/** Opens a catalog file with the connection settings every Fieldmark connection uses. */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../util/errors.js';
import { moveAsideAdvice, toCatalogError } from './catalog-errors.js';
import { assertCatalogSound, QUICK_CHECK_MAX_BYTES } from './integrity.js';

const SQLITE_HEADER = 'SQLite format 3\u0000';
/** How long a connection waits for another one's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export { toCatalogError } from './catalog-errors.js';

/**
 * Opens (creating folders and file when writable) a SQLite connection: WAL, foreign keys,
 * synchronous=NORMAL (with WAL a crash loses at most the last commits, never consistency).
 * Writable connections quick-check the file first (see QUICK_CHECK_MAX_BYTES).
 * @throws FieldmarkError CatalogCorrupt for an empty, non-SQLite or damaged file, InvalidArgument for a folder,
 *   NotFound for a missing read-only file, CatalogReadOnly/CatalogLocked/DiskFull from SQLite (see toCatalogError).
 */
export function openDatabase(file: string, readonly: boolean): BetterSqlite3.Database {
  let size = 0;
  if (existsSync(file)) {
    const info = statSync(file);
    if (info.isDirectory())
      throw new FieldmarkError('InvalidArgument', `--db: expected a catalog file, received a folder: ${file}`);
    size = info.size;
    // An empty file is not a catalog: it may be one truncated by a failing disk or another program,
    // so it is reported, never silently turned into a new (empty) catalog.
    if (size === 0)
      throw new FieldmarkError(
        'CatalogCorrupt',
        `${file} is empty (0 bytes), not a Fieldmark catalog; ${moveAsideAdvice(file)}`,
      );
    const header = readHeader(file);
    if (header.toString('latin1') !== SQLITE_HEADER) {
      throw new FieldmarkError(
        'CatalogCorrupt',
        `${file} is not a SQLite database (its first bytes are not "SQLite format 3"); ${moveAsideAdvice(file)}`,
      );
    }
  } else if (readonly) {
    throw new FieldmarkError('NotFound', `catalog ${file} does not exist (a read-only connection cannot create it)`);
  } else {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      throw new FieldmarkError(
        code === 'ENOSPC' ? 'DiskFull' : 'CatalogReadOnly',
        `cannot create the folder of the catalog ${file} (${code}): check the permissions of its parent folder, or give --db a writable file`,
        { cause: error },
      );
    }
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    // Under Electron (whose Node ABI differs) the app points this at a copy of the addon built for it.
    const nativeBinding = process.env.FIELDMARK_SQLITE_BINDING;
    db = new Database(file, { readonly, fileMustExist: readonly, ...(nativeBinding ? { nativeBinding } : {}) });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!readonly) {
      const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal')
        throw new FieldmarkError(
          'CatalogCorrupt',
          `${file}: could not switch to WAL journal mode (got ${String(mode)})`,
        );
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    // Damage found now stops a writer before it writes more into a damaged file (issue 12, item 3).
    if (!readonly && size > 0 && size <= QUICK_CHECK_MAX_BYTES) assertCatalogSound(db, file, false);
    return db;
  } catch (error) {
    db?.close();
    throw toCatalogError(error, file);
  }
}
