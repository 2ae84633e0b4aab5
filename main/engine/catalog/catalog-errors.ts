/**
 * SQLite errors as named Fieldmark errors that name the catalog file and say what to do
 * (issue 12, items 3-4). Every error that leaves a Catalog goes through `toCatalogError`.
 */
import { FieldmarkError, type ErrorKind } from '../../util/errors.js';

/** What to tell a user whose catalog cannot be read; `fieldmark check` keeps the file and starts anew. */
export function moveAsideAdvice(file: string): string {
  return `the file is kept as it is; run "fieldmark check <folder> --db ${file} --move-aside" to rename it and start a new catalog, or restore a backup (${file}.backup-*)`;
}

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

function describe(kind: ErrorKind, file: string, detail: string): string {
  switch (kind) {
    case 'CatalogCorrupt':
      return `the catalog ${file} is damaged (${detail}); ${moveAsideAdvice(file)}`;
    case 'CatalogReadOnly':
      return `the catalog ${file} cannot be written (${detail}): check the permissions of the file and its folder, or give --db a writable file`;
    case 'CatalogLocked':
      return `the catalog ${file} is busy: another Fieldmark process is writing it (${detail}); wait for it to finish or close it, then try again`;
    case 'DiskFull':
      return `the disk holding the catalog ${file} is full (${detail}); nothing was lost: free some space and run again`;
    case 'WriteFailed':
      return `the catalog ${file} could not be read or written (${detail}): check the disk, then run again`;
    default:
      return `the catalog ${file} reported an error (${detail})`;
  }
}

/** The error kind for a SQLite result code (extended codes share the primary code's prefix). */
export function kindForSqliteCode(code: string): ErrorKind {
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_FORMAT')
    return 'CatalogCorrupt';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_AUTH')
  ) {
    return 'CatalogReadOnly';
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'CatalogLocked';
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_NOMEM' || code === 'SQLITE_NOMEM') return 'DiskFull';
  if (code.startsWith('SQLITE_IOERR')) return 'WriteFailed';
  return 'Internal';
}

/**
 * Maps a SQLite error to a FieldmarkError naming `file`; other errors are returned unchanged.
 * A "disk I/O error" on a full disk is reported by SQLite as SQLITE_FULL or SQLITE_IOERR_WRITE.
 */
export function toCatalogError(error: unknown, file: string): unknown {
  if (error instanceof FieldmarkError) return error;
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const message = error instanceof Error ? error.message : code;
  const kind = kindForSqliteCode(code);
  return new FieldmarkError(kind, describe(kind, file, `${message}; ${code}`), { cause: error });
}

/**
 * Wraps every method of `target` so that a SQLite error thrown (or rejected) by it becomes a
 * named error for `file`: one boundary instead of a try/catch at every call site.
 */
export function withCatalogErrors<T extends object>(target: T, file: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return function (this: unknown, ...args: unknown[]) {
        try {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
          if (result instanceof Promise)
            return result.catch((error: unknown) => Promise.reject(toCatalogError(error, file)));
          return result;
        } catch (error) {
          throw toCatalogError(error, file);
        }
      };
    },
  });
}
