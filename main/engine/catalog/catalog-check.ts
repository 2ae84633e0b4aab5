/**
 * `fieldmark check`: the full integrity check of a catalog on demand, and moving a damaged
 * catalog aside (renamed, never deleted) so that a new one can start (issue 12).
 */
import { existsSync, renameSync } from 'node:fs';
import { toErrorData, type ErrorData } from '../../util/errors.js';
import { Catalog } from './catalog.js';
import { openDatabase } from './open-database.js';
import { checkPages } from './integrity.js';
import { toCatalogError } from './catalog-errors.js';

export interface CatalogCheck {
  file: string;
  /** Null when the catalog opens and passes `PRAGMA integrity_check`. */
  problem: ErrorData | null;
}

/** Opens `file` read-only and runs the full integrity check; never changes the file. */
export function checkCatalog(file: string): CatalogCheck {
  let db;
  try {
    db = openDatabase(file, true);
  } catch (error) {
    return { file, problem: toErrorData(error) };
  }
  try {
    const problems = checkPages(db, true);
    return {
      file,
      problem:
        problems.length === 0
          ? null
          : {
              kind: 'CatalogCorrupt',
              message: `the catalog ${file} is damaged (integrity_check: ${problems.join('; ')})`,
            },
    };
  } catch (error) {
    return { file, problem: toErrorData(toCatalogError(error, file)) };
  } finally {
    db.close();
  }
}

/**
 * Renames a catalog and its -wal/-shm to `<file>.broken-<time>` and creates a new, empty catalog
 * at `file`. Returns the new name of the old file.
 */
export function moveCatalogAside(file: string, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let target = `${file}.broken-${stamp}`;
  for (let n = 2; existsSync(target); n += 1) target = `${file}.broken-${stamp}-${n}`;
  // The WAL holds committed pages not yet in the main file: it travels with it.
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${target}${suffix}`);
  renameSync(file, target);
  Catalog.open(file).close();
  return target;
}
