export { walkLibrary, walkLibraryFiles } from './walk.js';
export type { WalkedFile, WalkProblem, WalkProblemHandler } from './walk.js';
export { sniffImageFormat, hasImageExtension, IMAGE_EXTENSIONS, SNIFF_BYTES } from './image-format.js';
export type { SniffedImageFormat } from './image-format.js';
export { sha256File, readFileHead } from './fingerprint.js';
export { reconcileScan } from './reconcile.js';
export type { ReconcileSummary, ReconcileOptions } from './reconcile.js';
