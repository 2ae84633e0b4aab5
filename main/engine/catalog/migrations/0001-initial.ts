import type { Migration } from './migration.js';

/**
 * Libraries, images, models, predictions and settings. Timestamps are ISO 8601 UTC text;
 * `images.mtime_ms` is REAL because fs.Stats.mtimeMs has a fractional part, and it must
 * compare exactly for the scanner's "unchanged" test.
 */
export const migration0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE libraries (
        id INTEGER PRIMARY KEY,
        root_path TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        rel_path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        fingerprint TEXT,
        width INTEGER,
        height INTEGER,
        orientation INTEGER,
        format TEXT,
        taken_at TEXT,
        camera TEXT,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'failed')),
        error_kind TEXT,
        error_message TEXT,
        updated_at TEXT NOT NULL,
        UNIQUE (library_id, rel_path)
      );
      -- The UNIQUE index serves lookups and name sorting; these serve the scanner's rename
      -- detection, the status filters/counts and date sorting.
      CREATE INDEX images_by_status ON images (library_id, status);
      CREATE INDEX images_by_fingerprint ON images (library_id, fingerprint) WHERE fingerprint IS NOT NULL;
      CREATE INDEX images_by_taken_at ON images (library_id, taken_at);

      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        model_key TEXT NOT NULL UNIQUE,
        file_sha256 TEXT NOT NULL,
        metadata_json TEXT NOT NULL,
        class_count INTEGER NOT NULL CHECK (class_count > 0),
        feature_dim INTEGER NOT NULL CHECK (feature_dim > 0),
        updated_at TEXT NOT NULL
      );

      CREATE TABLE predictions (
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        top1_index INTEGER NOT NULL,
        top1_prob REAL NOT NULL,
        topk TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (image_id, model_id)
      ) WITHOUT ROWID;
      -- The primary key serves per-image lookups and the cascade from images; these serve
      -- filtering by class and sorting/filtering by confidence within one model.
      CREATE INDEX predictions_by_class ON predictions (model_id, top1_index, top1_prob);
      CREATE INDEX predictions_by_confidence ON predictions (model_id, top1_prob);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
