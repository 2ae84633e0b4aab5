/** The catalog side of a library scan: what is stored, and applying one scan's changes atomically. */
import type { SqlRunner } from './sql-runner.js';
import { sortDateSql } from './sort-date.js';
import { asRows, int, num, optStr, status, str } from './rows.js';
import { checkId } from './validate.js';
import type { ScanChanges, StoredFile } from './types.js';

export function storedFiles(sql: SqlRunner, libraryId: number): StoredFile[] {
  checkId('libraryId', libraryId);
  const rows = asRows(
    sql
      .statement(
        'SELECT id, rel_path, size, mtime_ms, fingerprint, status, missing_since FROM images WHERE library_id = ?',
      )
      .all(libraryId),
    'images',
  );
  return rows.map((row) => ({
    id: int(row, 'id'),
    relPath: str(row, 'rel_path'),
    size: int(row, 'size'),
    mtimeMs: num(row, 'mtime_ms'),
    fingerprint: optStr(row, 'fingerprint'),
    status: status(row, 'status'),
    missingSince: optStr(row, 'missing_since'),
  }));
}

/**
 * Deletes the rows of images marked missing (with their predictions, features and labels):
 * only on the user's request (`fieldmark prune`). Returns how many images were removed.
 */
export function pruneMissing(sql: SqlRunner, libraryId: number): number {
  checkId('libraryId', libraryId);
  return sql.transaction(
    () => sql.statement('DELETE FROM images WHERE library_id = ? AND missing_since IS NOT NULL').run(libraryId).changes,
  );
}

/** How many images of the library are marked missing. */
export function missingCount(sql: SqlRunner, libraryId: number): number {
  checkId('libraryId', libraryId);
  return Number(
    sql
      .statement('SELECT COUNT(*) FROM images WHERE library_id = ? AND missing_since IS NOT NULL')
      .pluck()
      .get(libraryId),
  );
}

/**
 * Applies a scan in one transaction. Removals go first and renames before additions, so a
 * path freed by one change can be taken by another without a unique-key clash.
 */
export function applyScanChanges(sql: SqlRunner, libraryId: number, changes: ScanChanges): void {
  checkId('libraryId', libraryId);
  sql.transaction(() => {
    const at = new Date().toISOString();
    // Gone files are marked, never deleted: their predictions, features and labels wait for them.
    for (const id of changes.removed) {
      sql
        .statement(
          'UPDATE images SET missing_since = ?, updated_at = ? WHERE id = ? AND library_id = ? AND missing_since IS NULL',
        )
        .run(at, at, id, libraryId);
    }
    for (const id of changes.returned ?? []) {
      sql
        .statement('UPDATE images SET missing_since = NULL, updated_at = ? WHERE id = ? AND library_id = ?')
        .run(at, id, libraryId);
    }
    for (const file of changes.renamed) {
      sql
        .statement(`UPDATE images SET rel_path = @relPath, size = @size, mtime_ms = @mtimeMs, missing_since = NULL, updated_at = @at,
            sort_date = ${sortDateSql('taken_at', '@mtimeMs')}
          WHERE id = @id AND library_id = @libraryId`)
        .run({ relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs, at, id: file.id, libraryId });
    }
    for (const file of changes.touched) {
      sql
        .statement(`UPDATE images SET size = @size, mtime_ms = @mtimeMs, fingerprint = @fingerprint, updated_at = @at,
            sort_date = ${sortDateSql('taken_at', '@mtimeMs')}
          WHERE id = @id AND library_id = @libraryId`)
        .run({ size: file.size, mtimeMs: file.mtimeMs, fingerprint: file.fingerprint, at, id: file.id, libraryId });
    }
    for (const file of changes.changed) {
      // New content: forget everything derived from the old one except the user's label.
      sql
        .statement(`UPDATE images SET size = @size, mtime_ms = @mtimeMs, fingerprint = @fingerprint, width = NULL, height = NULL,
            orientation = NULL, format = NULL, taken_at = NULL, camera = NULL, status = 'pending', error_kind = NULL,
            error_message = NULL, updated_at = @at, sort_date = ${sortDateSql('NULL', '@mtimeMs')}
          WHERE id = @id AND library_id = @libraryId`)
        .run({ size: file.size, mtimeMs: file.mtimeMs, fingerprint: file.fingerprint, at, id: file.id, libraryId });
      sql.statement('DELETE FROM predictions WHERE image_id = ?').run(file.id);
      sql.statement('DELETE FROM features WHERE image_id = ?').run(file.id);
    }
    for (const file of changes.added) {
      sql
        .statement(`INSERT INTO images (library_id, rel_path, size, mtime_ms, fingerprint, status, updated_at, sort_date)
          VALUES (@libraryId, @relPath, @size, @mtimeMs, @fingerprint, 'pending', @at, ${sortDateSql('NULL', '@mtimeMs')})
          ON CONFLICT (library_id, rel_path) DO NOTHING`)
        .run({
          libraryId,
          relPath: file.relPath,
          size: file.size,
          mtimeMs: file.mtimeMs,
          fingerprint: file.fingerprint,
          at,
        });
    }
  });
}
