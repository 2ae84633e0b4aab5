export { Catalog } from './catalog.js';
export type { CatalogOpenOptions } from './catalog.js';
export { defaultCatalogPath, fieldmarkDataDir, sanitizeLibraryName } from './paths.js';
export { migrateCatalog, currentSchemaVersion, FIELDMARK_APPLICATION_ID } from './migrate.js';
export { openDatabase } from './open-database.js';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.js';
export { normalizeTakenAt } from './validate.js';
export type { ModelRow } from './summary-queries.js';
export * from './types.js';
