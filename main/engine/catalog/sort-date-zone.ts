/**
 * The time zone of the stored date keys (sort-date.ts): the mtime-based keys are local time, so a
 * catalog opened for writing under another zone has them rewritten.
 */
import type { SqlRunner } from './sql-runner.js';
import { sortDateSql } from './sort-date.js';
import { getSetting } from './summary-queries.js';
import { setSetting } from './writes.js';

/** The setting that holds the local-time zone the stored keys were written in (zoneFingerprint). */
const ZONE_SETTING = 'catalog.sortDateZone';

/** Instants spread over decades and seasons (DST): the zone as SQLite's 'localtime' renders them. */
const REFERENCE_INSTANTS_S = [631_152_000, 647_000_000, 1_104_537_600, 1_120_000_000, 1_704_067_200, 1_720_000_000];

/** The local-time zone as SQLite sees it (the C library's, from TZ or the system), as the text of reference instants. */
function zoneFingerprint(sql: SqlRunner): string {
  const render = sql.statement("SELECT strftime('%Y-%m-%dT%H:%M', ?, 'unixepoch', 'localtime')").pluck();
  return REFERENCE_INSTANTS_S.map((instant) => render.get(instant) as string).join(' ');
}

/**
 * Recomputes the keys that come from a file's mtime (local time) when the catalog was last written
 * under another time zone (a laptop that travelled, a catalog moved between machines), so the
 * date order stays that of the local clock; returns how many keys were rewritten. Capture times
 * (EXIF, already local wall-clock time) are left as they are.
 */
export function refreshSortDates(sql: SqlRunner): number {
  const zone = zoneFingerprint(sql);
  if (getSetting(sql, ZONE_SETTING) === zone) return 0;
  return sql.transaction(() => {
    const { changes } = sql
      .statement(`UPDATE images SET sort_date = ${sortDateSql('taken_at', 'mtime_ms')} WHERE taken_at IS NULL`)
      .run();
    setSetting(sql, ZONE_SETTING, zone);
    return changes;
  });
}
