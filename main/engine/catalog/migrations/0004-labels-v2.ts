import type { Migration } from './migration.js';

/**
 * Labels v2 (issue 8): provenance (`manual, accepted, imported, propagated, model`), the rank a
 * label was given at, a score for automatic labels, undo steps that survive a restart, a user
 * vocabulary per library, and the top-1/top-2 margin of every prediction (indexed, for the
 * "most uncertain first" review queue).
 *
 * SQLite cannot change a CHECK constraint in place, so `labels` and `label_events` are rebuilt
 * (copy, drop, rename); old sources are mapped: accepted-prediction -> accepted, import -> imported.
 * Every old event becomes its own (already applied) undo step, so history and undo stay whole.
 */
const SOURCES = `('manual', 'accepted', 'imported', 'propagated', 'model')`;
const RANKS = `('species', 'genus', 'family', 'order')`;
const MAP_SOURCE = (column: string): string =>
  `CASE ${column} WHEN 'accepted-prediction' THEN 'accepted' WHEN 'import' THEN 'imported' ELSE ${column} END`;

export const migration0004LabelsV2: Migration = {
  version: 4,
  name: 'labels-v2',
  up(db) {
    db.exec(`
      CREATE TABLE label_steps (
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        description TEXT NOT NULL,
        at TEXT NOT NULL,
        -- 1 once undone; an undone step stays redoable until a new action drops the redo stack.
        undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
        dropped INTEGER NOT NULL DEFAULT 0 CHECK (dropped IN (0, 1))
      );
      CREATE INDEX label_steps_by_library ON label_steps (library_id, undone, id);

      CREATE TABLE labels_v2 (
        image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        label TEXT NOT NULL CHECK (length(label) > 0),
        label_source TEXT NOT NULL CHECK (label_source IN ${SOURCES}),
        rank TEXT NOT NULL DEFAULT 'species' CHECK (rank IN ${RANKS}),
        score REAL,
        updated_at TEXT NOT NULL
      );
      INSERT INTO labels_v2 (image_id, label, label_source, rank, score, updated_at)
        SELECT image_id, label, ${MAP_SOURCE('label_source')}, 'species', NULL, updated_at FROM labels;
      DROP TABLE labels;
      ALTER TABLE labels_v2 RENAME TO labels;
      CREATE INDEX labels_by_label ON labels (label);

      -- Old events: one applied step each, in the library of their image.
      INSERT INTO label_steps (id, library_id, description, at, undone, dropped)
        SELECT e.id, i.library_id, 'label change', e.at, 0, 0 FROM label_events e JOIN images i ON i.id = e.image_id;

      CREATE TABLE label_events_v2 (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        step INTEGER NOT NULL REFERENCES label_steps(id) ON DELETE CASCADE,
        old_label TEXT,
        old_rank TEXT CHECK (old_rank IN ${RANKS}),
        old_source TEXT CHECK (old_source IN ${SOURCES}),
        old_score REAL,
        old_at TEXT,
        new_label TEXT,
        rank TEXT CHECK (rank IN ${RANKS}),
        source TEXT NOT NULL CHECK (source IN ${SOURCES}),
        score REAL,
        at TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
      );
      INSERT INTO label_events_v2 (id, image_id, step, old_label, old_rank, old_source, old_score, old_at, new_label, rank, source, score, at, undone)
        SELECT e.id, e.image_id, e.id, e.old_label,
          CASE WHEN e.old_label IS NULL THEN NULL ELSE 'species' END,
          -- The old schema did not keep the previous source; "manual" is the safe guess (never overwritten by automatic sources).
          CASE WHEN e.old_label IS NULL THEN NULL ELSE 'manual' END,
          NULL, CASE WHEN e.old_label IS NULL THEN NULL ELSE e.at END,
          e.new_label, CASE WHEN e.new_label IS NULL THEN NULL ELSE 'species' END,
          ${MAP_SOURCE('e.source')}, NULL, e.at, 0
        FROM label_events e;
      DROP TABLE label_events;
      ALTER TABLE label_events_v2 RENAME TO label_events;
      CREATE INDEX label_events_by_image ON label_events (image_id, id);
      CREATE INDEX label_events_by_step ON label_events (step);

      CREATE TABLE vocabulary (
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        label TEXT NOT NULL CHECK (length(label) > 0),
        rank TEXT NOT NULL DEFAULT 'species' CHECK (rank IN ${RANKS}),
        added_at TEXT NOT NULL,
        PRIMARY KEY (library_id, label)
      ) WITHOUT ROWID;

      -- top1_prob - top2_prob (top1_prob when the model gave one class): small = uncertain.
      ALTER TABLE predictions ADD COLUMN margin REAL;
      UPDATE predictions SET margin = json_extract(topk, '$[0][1]') - COALESCE(json_extract(topk, '$[1][1]'), 0);
      CREATE INDEX predictions_by_margin ON predictions (model_id, margin);
      -- Writers that do not compute the margin (writeResults does) still get one, from the top-k.
      CREATE TRIGGER predictions_margin_on_insert AFTER INSERT ON predictions WHEN NEW.margin IS NULL BEGIN
        UPDATE predictions SET margin = json_extract(NEW.topk, '$[0][1]') - COALESCE(json_extract(NEW.topk, '$[1][1]'), 0)
          WHERE image_id = NEW.image_id AND model_id = NEW.model_id;
      END;
      CREATE TRIGGER predictions_margin_on_update AFTER UPDATE OF topk ON predictions WHEN NEW.margin IS OLD.margin BEGIN
        UPDATE predictions SET margin = json_extract(NEW.topk, '$[0][1]') - COALESCE(json_extract(NEW.topk, '$[1][1]'), 0)
          WHERE image_id = NEW.image_id AND model_id = NEW.model_id;
      END;
    `);
  },
};
