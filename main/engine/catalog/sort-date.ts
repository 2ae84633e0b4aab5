/**
 * The date sort's key (`images.sort_date`, migration 0006): the EXIF capture time, or else the
 * file's mtime as local time in the same ISO form, so that both sort together as text. Stored at
 * write time (local time cannot be indexed) so that an index serves the sort, and stored as this
 * exact text rather than a number because `taken_at` keeps non-EXIF dates as given (validate.ts),
 * and the stored key must order them as the old computed key did. A change of time zone is
 * caught when the catalog is next opened for writing (refreshSortDates).
 */
import type BetterSqlite3 from 'better-sqlite3';

/**
 * SQL for the key from two SQL expressions (columns or parameters). In an UPDATE, pass the new
 * values (parameters): SET expressions read a row's old column values.
 */
export function sortDateSql(takenAt: string, mtimeMs: string): string {
  return `COALESCE(${takenAt}, strftime('%Y-%m-%dT%H:%M:%S', ${mtimeMs} / 1000.0, 'unixepoch', 'localtime'))`;
}

/** The setting that holds the local-time zone the stored keys were written in (zoneFingerprint). */
const ZONE_SETTING = 'catalog.sortDateZone';

/** Instants spread over decades and seasons (DST): the zone as SQLite's 'localtime' renders them. */
const REFERENCE_INSTANTS_S = [631_152_000, 647_000_000, 1_104_537_600, 1_120_000_000, 1_704_067_200, 1_720_000_000];

/** The local-time zone as SQLite sees it (the C library's, from TZ or the system), as the text of reference instants. */
function zoneFingerprint(db: BetterSqlite3.Database): string {
  const render = db.prepare("SELECT strftime('%Y-%m-%dT%H:%M', ?, 'unixepoch', 'localtime')").pluck();
  return REFERENCE_INSTANTS_S.map((instant) => render.get(instant) as string).join(' ');
}

/**
 * Recomputes the keys that come from a file's mtime (local time) when the catalog was last written
 * under another time zone (a laptop that travelled, a catalog moved between machines), so the
 * date order stays that of the local clock; returns how many keys were rewritten. Capture times
 * (EXIF, already local wall-clock time) are left as they are.
 */
export function refreshSortDates(db: BetterSqlite3.Database): number {
  const zone = JSON.stringify(zoneFingerprint(db));
  const stored = db.prepare('SELECT value_json FROM settings WHERE key = ?').pluck().get(ZONE_SETTING);
  if (stored === zone) return 0;
  return db
    .transaction(() => {
      const { changes } = db
        .prepare(`UPDATE images SET sort_date = ${sortDateSql('taken_at', 'mtime_ms')} WHERE taken_at IS NULL`)
        .run();
      db.prepare('INSERT OR REPLACE INTO settings (key, value_json) VALUES (?, ?)').run(ZONE_SETTING, zone);
      return changes;
    })
    .immediate();
}
