/**
 * Checking a catalog's pages: a cheap `PRAGMA quick_check` when a catalog is opened for writing
 * (so damage is found before more is written into it), and the full `integrity_check` on demand
 * (`fieldmark check`).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { FieldmarkError } from '../../util/errors.js';
import { moveAsideAdvice } from './catalog-errors.js';

/**
 * Catalogs up to this size are quick-checked on every writable open. quick_check reads every
 * page, O(file size): 0.29-0.63 s for a 218 MB file on this project's 2-core machine, so the
 * check costs at most ~0.7 s at open. Larger catalogs skip it on open; their damage still
 * surfaces as CatalogCorrupt when a damaged page is read, and `fieldmark check` runs the full
 * check on demand.
 */
export const QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024;

/** Up to this many problems are listed in a message. */
const REPORTED_PROBLEMS = 5;

/** The problems `PRAGMA quick_check` or `integrity_check` finds; empty when the file is sound. */
export function checkPages(db: BetterSqlite3.Database, full: boolean): string[] {
  const rows = db.pragma(`${full ? 'integrity_check' : 'quick_check'}(${REPORTED_PROBLEMS})`, {
    simple: false,
  }) as Record<string, unknown>[];
  const messages = rows.map((row) => String(Object.values(row)[0]).replace(/\s*\n\s*/g, '; '));
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

/**
 * Throws when the catalog's pages are damaged.
 * @throws FieldmarkError CatalogCorrupt naming the file, the first problems and what to do.
 */
export function assertCatalogSound(db: BetterSqlite3.Database, file: string, full: boolean): void {
  const problems = checkPages(db, full);
  if (problems.length === 0) return;
  throw new FieldmarkError(
    'CatalogCorrupt',
    `the catalog ${file} is damaged (${full ? 'integrity_check' : 'quick_check'}: ${problems.join('; ')}); ${moveAsideAdvice(file)}`,
  );
}
