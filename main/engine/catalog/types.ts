/** Public types of the catalog: what callers pass in and what the read queries return. */

export type ImageStatus = 'pending' | 'ok' | 'failed';
export const IMAGE_STATUSES: readonly ImageStatus[] = ['pending', 'ok', 'failed'];

import type { LabelRank, LabelSource } from '../labels/types.js';
export type { LabelRank, LabelSource } from '../labels/types.js';
export { LABEL_RANKS, LABEL_SOURCES } from '../labels/types.js';

/** One entry of a model's top-k: class index and its probability (0..1). */
export interface TopKEntry {
  index: number;
  prob: number;
}

export interface ModelRecord {
  /** The model's own id, for example `resnet50_8xb32_in1k`. */
  id: string;
  /** sha256 (hex) of the ONNX file; a new file under the same id invalidates old results. */
  fileSha256: string;
  metadataJson: string;
  classCount: number;
  featureDim: number;
}

/** The result of one image in an inference batch, as the pipeline hands it to `writeResults`. */
export type ImageResult =
  | {
      imageId: number;
      ok: true;
      fingerprint: string;
      width: number;
      height: number;
      orientation: number;
      format: string;
      /** ISO 8601 local time `YYYY-MM-DDTHH:MM:SS` (EXIF `YYYY:MM:DD HH:MM:SS` is converted). */
      takenAt: string | null;
      camera: string | null;
      topk: TopKEntry[];
      /** Already L2-normalised; length must equal the model's feature dimension. */
      feature: Float32Array;
    }
  | { imageId: number; ok: false; fingerprint: string | null; errorKind: string; errorMessage: string };

/** An image the pipeline still has to run for a model. */
export interface ImageToProcess {
  id: number;
  relPath: string;
  size: number;
  mtimeMs: number;
}

export interface CatalogStats {
  total: number;
  ok: number;
  failed: number;
  pending: number;
  /** Images with a prediction of the given model (0 when no model is given). */
  predicted: number;
}

export type ListStatusFilter = 'all' | ImageStatus;
export type ListSort = 'name' | 'date' | 'confidence' | 'uncertainty';

/** Label filters of the image list; a family/genus/order is expanded into its species by the caller. */
export type LabelFilter =
  | { kind: 'labelled' }
  | { kind: 'unlabelled' }
  | { kind: 'disagree' }
  | { kind: 'is'; labels: string[] };
export type SortOrder = 'asc' | 'desc';

export interface ListImagesQuery {
  libraryId: number;
  modelRowId: number | null;
  status?: ListStatusFilter;
  /** Only images whose top-1 class is this index (needs a model). */
  classIndex?: number;
  /** Inclusive bounds on the top-1 probability (need a model). */
  minConfidence?: number;
  maxConfidence?: number;
  /** Substring of the relative path (ASCII case-insensitive). */
  pathContains?: string;
  /** Only images in this folder or below it (relative path, '/'-separated, no trailing slash). */
  folder?: string;
  /** Label filter; `disagree` (label differs from the model's top-1 name) needs a model and `classNames`. */
  label?: LabelFilter;
  /** The model's class names by index, for the `disagree` filter. */
  classNames?: readonly string[];
  /** Per class index, coarser labels that agree with it (its genus, family, order), for `disagree`. */
  classLineage?: readonly (readonly string[])[];
  /** `uncertainty`: smallest top-1/top-2 margin first (asc), a review queue; needs a model. */
  sort?: ListSort;
  order?: SortOrder;
  offset?: number;
  limit?: number;
}

export interface ImageListItem {
  id: number;
  relPath: string;
  status: ImageStatus;
  size: number;
  mtimeMs: number;
  width: number | null;
  height: number | null;
  format: string | null;
  takenAt: string | null;
  errorKind: string | null;
  /** Top-1 of the requested model, null without a model or prediction. */
  top1: TopKEntry | null;
  label: string | null;
  labelSource: LabelSource | null;
  labelRank: LabelRank | null;
}

export interface ImageDetails {
  id: number;
  libraryId: number;
  relPath: string;
  size: number;
  mtimeMs: number;
  fingerprint: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  format: string | null;
  takenAt: string | null;
  camera: string | null;
  status: ImageStatus;
  errorKind: string | null;
  errorMessage: string | null;
  updatedAt: string;
  prediction: { topk: TopKEntry[]; createdAt: string } | null;
  label: { label: string; source: LabelSource; updatedAt: string } | null;
}

export interface FailedImage {
  id: number;
  relPath: string;
  errorKind: string;
  errorMessage: string;
}

export interface ExportRow {
  imageId: number;
  relPath: string;
  label: string | null;
  labelSource: LabelSource | null;
  topk: TopKEntry[];
  width: number | null;
  height: number | null;
  takenAt: string | null;
  camera: string | null;
  fingerprint: string | null;
}

export interface FeatureMatrix {
  imageIds: Int32Array;
  dim: number;
  /** Row-major, `imageIds.length × dim`, each row L2-normalised. */
  vectors: Float32Array;
}

export interface LabelEvent {
  id: number;
  imageId: number;
  oldLabel: string | null;
  newLabel: string | null;
  source: LabelSource;
  at: string;
}

/** What the scanner needs to know of each catalogued file. */
export interface StoredFile {
  id: number;
  relPath: string;
  size: number;
  mtimeMs: number;
  fingerprint: string | null;
  status: ImageStatus;
  /** When the scanner first missed the file (ISO time); null while it is on disk. */
  missingSince: string | null;
}

/** All changes of one scan, applied by `Catalog.applyScanChanges` in one transaction. */
export interface ScanChanges {
  /** New candidate files, inserted as `pending`. */
  added: { relPath: string; size: number; mtimeMs: number; fingerprint: string | null }[];
  /** Same content, new size/mtime: results are kept. */
  touched: { id: number; size: number; mtimeMs: number; fingerprint: string }[];
  /** New content: back to `pending`, predictions and features dropped, labels kept. */
  changed: { id: number; size: number; mtimeMs: number; fingerprint: string | null }[];
  /** Moved files (same content under a new path): everything is kept. */
  renamed: { id: number; relPath: string; size: number; mtimeMs: number }[];
  /** Gone from disk: marked missing (kept with results and labels until pruned). */
  removed: number[];
  /** Missing files back at their path: unmarked (their results and labels return with them). */
  returned?: number[];
}
