import type { Migration } from './migration.js';

/**
 * Pooled feature vectors for similarity search. A rowid table (not WITHOUT ROWID) because the
 * rows hold kilobyte blobs; the unique key serves the cascade from images, the index the
 * "all vectors of one model" read.
 */
export const migration0002Features: Migration = {
  version: 2,
  name: 'features',
  up(db) {
    db.exec(`
      CREATE TABLE features (
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        dim INTEGER NOT NULL CHECK (dim > 0),
        vector BLOB NOT NULL CHECK (length(vector) = dim * 4),
        UNIQUE (image_id, model_id)
      );
      CREATE INDEX features_by_model ON features (model_id, image_id);
    `);
  },
};
