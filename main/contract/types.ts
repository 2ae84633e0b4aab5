/**
 * The data shapes that cross the contract between the engine side (Electron main or `serve`)
 * and the renderer. Plain JSON-compatible types only (feature vectors excepted, see events.ts),
 * no runtime code: the renderer imports this file with `import type`.
 */
import type { ErrorData, ErrorKind } from '../util/errors.js';
import type { ScanSummary } from '../engine/pipeline/events.js';
import type { LabelFilter, LabelRank, TileLabel } from './label-types.js';

export type { ErrorData, ErrorKind };

/** Every reply of a request: a value, or an error from the closed set of kinds. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export type ImageStatus = 'pending' | 'indexed' | 'failed';
export type DeviceChoice = 'auto' | 'cpu' | 'gpu';
/** `uncertainty`: smallest margin between the top-2 probabilities first (a review queue). */
export type SortKey = 'name' | 'date' | 'confidence' | 'uncertainty';
export type SortOrder = 'asc' | 'desc';

export interface AppInfo {
  version: string;
  /** Which transport the renderer is talking to; the renderer uses it only for wording. */
  transport: 'electron' | 'web';
  /** True where the engine side can show a native folder dialog (Electron). */
  canPickFolder: boolean;
  platform: string;
}

export interface ModelSummary {
  /** Registry id, or the file path for a model opened from a file. */
  id: string;
  architecture: string;
  labelSet: string;
  classCount: number;
  /** Unknown (null) for a registry model that is not installed yet. */
  featureDim: number | null;
  inputSize: { width: number; height: number };
  /** False for seeded weights: predictions are meaningless, say so in the UI. */
  trained: boolean;
  source: 'registry' | 'file';
  /** Whether the model file is already on disk (registry models may need a download). */
  available: boolean;
  notes?: string;
  /** Int8 models only: how it was made, how close it stays to its float model, its speed-up here. */
  int8?: {
    method: string;
    sourceModel: string;
    top1Agreement: number;
    meanAbsDeltaTop1: number;
    speedup: number | null;
  };
}

export interface LibraryInfo {
  libraryId: number;
  root: string;
  /** The folder's base name, for titles. */
  name: string;
  catalogPath: string;
  model: ModelSummary | null;
}

export interface RecentLibrary {
  root: string;
  openedAt: string;
}

export interface LibraryStats {
  total: number;
  indexed: number;
  failed: number;
  pending: number;
  /** Images with a label. */
  labelled: number;
}

export interface ClassInfo {
  index: number;
  name: string;
}

export interface ClassCount extends ClassInfo {
  count: number;
}

export interface TopClass {
  index: number;
  name: string;
  prob: number;
}

/** What a grid tile needs: small, so pages of a few hundred stay cheap. */
export interface ImageTile {
  id: number;
  relPath: string;
  status: ImageStatus;
  top1: TopClass | null;
  errorKind: ErrorKind | null;
  label: TileLabel | null;
}

export interface ImageQuery {
  status?: ImageStatus;
  classIndex?: number;
  minConfidence?: number;
  maxConfidence?: number;
  pathContains?: string;
  /** Only images in this library folder or below (relative, '/'-separated). */
  folder?: string;
  label?: LabelFilter;
  /** Images labelled with this label, or (rank above species) with any label under this taxon. */
  labelIs?: { label: string; rank: LabelRank };
  /** Only these images, in this order (the suspects review filter); the other filters and the sort are ignored. */
  ids?: number[];
  sort: SortKey;
  order: SortOrder;
  offset: number;
  limit: number;
}

/** Every id a filter shows, in order. */
export interface ImageIdList {
  ids: number[];
}

/** An image query without paging (select all that a filter shows). */
export type ImageFilterQuery = Omit<ImageQuery, 'offset' | 'limit'>;

export interface ImagePage {
  total: number;
  offset: number;
  items: ImageTile[];
}

export interface ImageDetails {
  id: number;
  relPath: string;
  status: ImageStatus;
  sizeBytes: number;
  modifiedAt: string;
  width: number | null;
  height: number | null;
  /** EXIF DateTimeOriginal as written in the file (e.g. `2021:06:15 14:32:10`), when present. */
  takenAt: string | null;
  /** EXIF Make and Model joined, when present. */
  camera: string | null;
  topk: TopClass[];
  error: ErrorData | null;
  label: (TileLabel & { updatedAt: string }) | null;
}

export interface FailedImage {
  id: number;
  relPath: string;
  kind: ErrorKind;
  message: string;
}

/** What the last scan found (the scanner's own summary type; types only, erased from the renderer bundle). */
export type { ScanSummary };

export type IndexingState = 'idle' | 'scanning' | 'running' | 'paused' | 'cancelled' | 'finished' | 'failed';

export interface IndexingStatus {
  state: IndexingState;
  done: number;
  toProcess: number;
  failed: number;
  imagesPerSecond: number;
  etaSeconds: number | null;
  /** The execution provider in use, once the job has started. */
  device: { provider: string; requested: DeviceChoice; notes: string[] } | null;
  scan: ScanSummary | null;
  message: string | null;
}

export interface Settings {
  /** Registry id or model file path; null means the default model. */
  modelId: string | null;
  device: DeviceChoice;
  batchSize: number;
  /** Intra-op threads for inference; null lets the engine choose. */
  threads: number | null;
}
