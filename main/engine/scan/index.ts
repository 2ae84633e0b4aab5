export { walkLibrary, walkLibraryFiles } from './walk.js';
export type { WalkProblem } from './walk.js';
export { sniffImageFormat, hasImageExtension, SNIFF_BYTES } from './image-format.js';
export { sha256File, readFileHead } from './fingerprint.js';
export { reconcileScan } from './reconcile.js';
export type { ReconcileSummary } from './reconcile.js';
