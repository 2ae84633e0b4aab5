export { Catalog } from './catalog.js';
export { defaultCatalogPath } from './paths.js';
export { migrateCatalog, FIELDMARK_APPLICATION_ID } from './migrate.js';
export { openDatabase } from './open-database.js';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.js';
export * from './types.js';
