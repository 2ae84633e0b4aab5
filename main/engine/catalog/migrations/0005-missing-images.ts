import type { Migration } from './migration.js';

/**
 * Images whose file is gone are marked, not deleted (issue 12): an unmounted drive or a moved
 * folder must not cost the user predictions, features and labels. `missing_since` is the ISO
 * time the scanner first missed the file; NULL for present files. Queries list and count only
 * present images; `fieldmark prune` deletes missing ones on request.
 */
export const migration0005MissingImages: Migration = {
  version: 5,
  name: 'missing-images',
  up(db) {
    db.exec(`
      ALTER TABLE images ADD COLUMN missing_since TEXT;
      -- Present images by path: the grid's default order and the counts, without a table
      -- lookup per row to test missing_since (measured 2x slower at 100k rows without it).
      CREATE INDEX images_present_by_path ON images (library_id, rel_path) WHERE missing_since IS NULL;
      -- The same for the status counts and filters (what images_by_status serves for all rows).
      CREATE INDEX images_present_by_status ON images (library_id, status) WHERE missing_since IS NULL;
    `);
  },
};
