import { sortDateSql } from '../sort-date.js';
import type { Migration } from './migration.js';

/**
 * Indexes that serve every page of the grid's lists without a sort (issue 12, list-walk.ts).
 * - A stored key for the date sort: the date order was COALESCE(taken_at, local-time mtime)
 *   computed per row, which no index can serve, so every date page of a 100,000-image library
 *   sorted the whole library (~0.5 s). `sort_date` holds that same value (sort-date.ts; every
 *   writer of taken_at or mtime_ms sets it), backfilled here; its index serves the sort with the
 *   rel_path tie-break, in both directions.
 * - The date and path indexes carry the status, so a status filter is read from them too.
 * - For the confidence and uncertainty walks (prediction-walk.ts): an index of the (few) missing
 *   images, and a margin index that covers the class and confidence filters.
 */
export const migration0006ListIndexes: Migration = {
  version: 6,
  name: 'list-indexes',
  up(db) {
    db.exec(`
      ALTER TABLE images ADD COLUMN sort_date TEXT;
      UPDATE images SET sort_date = ${sortDateSql('taken_at', 'mtime_ms')};
      -- With status, so that a status filter is read from the index too (no row per entry).
      CREATE INDEX images_present_by_date ON images (library_id, sort_date, rel_path, status) WHERE missing_since IS NULL;
      DROP INDEX images_present_by_path;
      CREATE INDEX images_present_by_path ON images (library_id, rel_path, status) WHERE missing_since IS NULL;
      -- The images not listed, for walks over the predictions indexes (prediction-walk.ts): few.
      CREATE INDEX images_missing ON images (library_id) WHERE missing_since IS NOT NULL;
      -- It served the old date sort; nothing reads taken_at in order any more.
      DROP INDEX images_by_taken_at;
      -- The review queue filtered by class or confidence reads this index alone (no row per entry).
      DROP INDEX predictions_by_margin;
      CREATE INDEX predictions_by_margin ON predictions (model_id, margin, top1_prob, top1_index);
    `);
  },
};
