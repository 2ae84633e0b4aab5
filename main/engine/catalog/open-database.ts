/** Opens a catalog file with the connection settings every Fieldmark connection uses. */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../util/errors.js';

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

/** Maps SQLite's "not a database"/"corrupt" errors to CatalogCorrupt naming the file. */
export function toCatalogError(error: unknown, file: string): unknown {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    const detail = error instanceof Error ? error.message : String(code);
    return new FieldmarkError('CatalogCorrupt', `${file} is not a readable SQLite catalog (${detail})`, { cause: error });
  }
  return error;
}

/**
 * Opens (creating folders and file when writable) a SQLite connection: WAL, foreign keys,
 * synchronous=NORMAL (with WAL a crash loses at most the last commits, never consistency).
 * @throws FieldmarkError CatalogCorrupt for a file that is not SQLite, NotFound for a missing read-only file.
 */
export function openDatabase(file: string, readonly: boolean): BetterSqlite3.Database {
  if (existsSync(file)) {
    if (statSync(file).size > 0) {
      const header = readHeader(file);
      if (header.toString('latin1') !== SQLITE_HEADER) {
        throw new FieldmarkError('CatalogCorrupt', `${file} is not a SQLite database (its first bytes are not "SQLite format 3")`);
      }
    }
  } else if (readonly) {
    throw new FieldmarkError('NotFound', `catalog ${file} does not exist (a read-only connection cannot create it)`);
  } else {
    mkdirSync(dirname(file), { recursive: true });
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    // Under Electron (whose Node ABI differs) the app points this at a copy of the addon built for it.
    const nativeBinding = process.env.FIELDMARK_SQLITE_BINDING;
    db = new Database(file, { readonly, fileMustExist: readonly, ...(nativeBinding ? { nativeBinding } : {}) });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!readonly) {
      const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new FieldmarkError('CatalogCorrupt', `${file}: could not switch to WAL journal mode (got ${String(mode)})`);
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    throw toCatalogError(error, file);
  }
}
