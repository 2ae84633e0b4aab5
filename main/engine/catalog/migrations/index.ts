import type { Migration } from './migration.js';
import { migration0001Initial } from './0001-initial.js';
import { migration0002Features } from './0002-features.js';
import { migration0003Labels } from './0003-labels.js';

export type { Migration } from './migration.js';

/** Every schema step in order; a new one is a new file appended here, never an edit of an old one. */
export const MIGRATIONS: readonly Migration[] = [migration0001Initial, migration0002Features, migration0003Labels];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;
