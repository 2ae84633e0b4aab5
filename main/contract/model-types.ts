/** The shapes of the models page, the folder tree and the folder browser (issue 13). Types only. */

export type ModelRowState = 'available' | 'not-downloaded' | 'downloading' | 'failed';

/** One row of the models page: a registry, imported, converted, trained or int8 model. */
export interface ModelRow {
  /** Registry id, or the file path of a model opened from a file. */
  id: string;
  /** The visible name; unique over the list (architecture, variant, label set, input, precision). */
  name: string;
  architecture: string;
  labelSet: string;
  inputSize: { width: number; height: number };
  /** Published top-1 (%) from the registry, when known. */
  top1: number | null;
  /** Size of the model file (or, not downloaded, of nothing: null). */
  sizeBytes: number | null;
  precision: 'fp32' | 'int8';
  trained: boolean;
  kind: 'registry' | 'file' | 'int8' | 'trained';
  state: ModelRowState;
  /** Downloading: bytes so far and the total when known. */
  progress: { received: number; total: number | null } | null;
  /** Failed: why. */
  error: string | null;
  /** The library's current model. */
  inUse: boolean;
  /** Registry models can be removed from the cache; files the user chose are not deleted. */
  removable: boolean;
}

export interface ModelImportReport {
  id: string;
  path: string;
  /** The converter's report, as lines (architecture found, layers, checks). */
  report: string[];
}

/** A folder of the library with the images under it (itself and below); '' is the root. */
export interface FolderCount {
  path: string;
  count: number;
}

/** A server-side folder listing for the "open folder" field (only folders the user can read). */
export interface FolderListing {
  path: string;
  parent: string | null;
  folders: string[];
}

/** A model the library cannot use: shown as the banner over the grid (test id `app-error`). */
export interface ModelProblem {
  kind: 'ModelMissing' | 'ModelInvalid' | 'InvalidArgument' | 'ReadFailed';
  /** The model as the settings name it (registry id or file path). */
  model: string;
  message: string;
  /** The action that fixes it: download the registry model, import a checkpoint, or choose another file. */
  fix: 'download' | 'import' | 'choose-file';
  /** The registry id the Download button fetches (fix `download`). */
  downloadId: string | null;
}
