import type { Migration } from './migration.js';

/** Current labels (one per image) and their append-only history, for undo and audit. */
export const migration0003Labels: Migration = {
  version: 3,
  name: 'labels',
  up(db) {
    db.exec(`
      CREATE TABLE labels (
        image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        label TEXT NOT NULL CHECK (length(label) > 0),
        label_source TEXT NOT NULL CHECK (label_source IN ('manual', 'accepted-prediction', 'import')),
        updated_at TEXT NOT NULL
      );
      CREATE INDEX labels_by_label ON labels (label);

      CREATE TABLE label_events (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        old_label TEXT,
        new_label TEXT,
        source TEXT NOT NULL CHECK (source IN ('manual', 'accepted-prediction', 'import')),
        at TEXT NOT NULL
      );
      CREATE INDEX label_events_by_image ON label_events (image_id, id);
    `);
  },
};
