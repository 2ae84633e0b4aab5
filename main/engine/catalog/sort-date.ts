/**
 * The date sort's key (`images.sort_date`, migration 0006): the EXIF capture time, or else the
 * file's mtime as local time in the same ISO form, so that both sort together as text. Stored at
 * write time (local time cannot be indexed) so that an index serves the sort, and stored as this
 * exact text rather than a number because `taken_at` keeps non-EXIF dates as given (validate.ts),
 * and the stored key must order them as the old computed key did. A change of time zone is
 * caught when the catalog is next opened for writing (sort-date-zone.ts).
 */

/**
 * SQL for the key from two SQL expressions (columns or parameters). In an UPDATE, pass the new
 * values (parameters): SET expressions read a row's old column values.
 */
export function sortDateSql(takenAt: string, mtimeMs: string): string {
  return `COALESCE(${takenAt}, strftime('%Y-%m-%dT%H:%M:%S', ${mtimeMs} / 1000.0, 'unixepoch', 'localtime'))`;
}
