import type { Migration } from './migration.js';
import { migration0001Initial } from './0001-initial.js';
import { migration0002Features } from './0002-features.js';
import { migration0003Labels } from './0003-labels.js';
import { migration0004LabelsV2 } from './0004-labels-v2.js';
import { migration0005MissingImages } from './0005-missing-images.js';
import { migration0006ListIndexes } from './0006-list-indexes.js';

export type { Migration } from './migration.js';

/** Every schema step in order; a new one is a new file appended here, never an edit of an old one. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001Initial,
  migration0002Features,
  migration0003Labels,
  migration0004LabelsV2,
  migration0005MissingImages,
  migration0006ListIndexes,
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;
