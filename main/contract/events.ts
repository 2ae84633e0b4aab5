/**
 * The event stream of the contract: what the engine side pushes to the renderer without being
 * asked. Feature vectors travel as binary (`Float32Array`), never as JSON numbers: over Electron
 * IPC by structured clone, over the WebSocket as a binary frame laid out as follows (little
 * endian, every field 4-byte aligned so the float view needs no copy):
 *
 *   offset 0   u32 magic 0x31464D46 ("FMF1" read as bytes F M F 1)
 *   offset 4   u32 count (vectors in the batch)
 *   offset 8   u32 dim (floats per vector)
 *   offset 12  u32 reserved (0)
 *   offset 16  count x u32 image ids
 *   then       count x dim x f32 vectors, row-major
 */
import type { ErrorData, ErrorKind } from '../util/errors.js';
import type { IndexingStatus, LibraryInfo, LibraryStats, Settings, TopClass } from './types.js';
import type { UndoState } from './label-types.js';
import type { QuantizeStatus } from './quantize-types.js';
import type { TrainStatus } from './learning-types.js';
import type { ModelProblem, ModelRow } from './model-types.js';

export const FEATURE_FRAME_MAGIC = 0x31464d46;
export const FEATURE_FRAME_HEADER_BYTES = 16;

export interface PredictionUpdate {
  imageId: number;
  relPath: string;
  top1: TopClass;
}

export interface FeatureBatch {
  imageIds: number[];
  dim: number;
  /** imageIds.length x dim floats, row-major. */
  vectors: Float32Array;
}

export type AppEvent =
  | { type: 'library-opened'; library: LibraryInfo }
  | { type: 'stats'; stats: LibraryStats }
  | { type: 'indexing'; status: IndexingStatus }
  | { type: 'predictions'; items: PredictionUpdate[] }
  | { type: 'image-error'; imageId: number; relPath: string; kind: ErrorKind; message: string }
  | { type: 'features'; batch: FeatureBatch }
  | { type: 'settings'; settings: Settings }
  /**
   * Labels changed (from any window, tab or the CLI's import through the app): `imageIds` lists
   * them, or is null when too many changed to list (a rename): refresh everything then.
   */
  | { type: 'labels.changed'; imageIds: number[] | null; undo: UndoState; labelled: number }
  /** Progress and outcome of `models.quantize` (int8 models, issue 11). */
  | { type: 'quantize'; status: QuantizeStatus }
  /** Progress and outcome of `learning.train` (issue 10). */
  | { type: 'training'; status: TrainStatus }
  /** The models page changed (download progress, a model installed, removed or chosen; issue 13). */
  | { type: 'models.changed'; rows: ModelRow[] }
  /** The library's model cannot be used (null: it can again): the banner over the grid. */
  | { type: 'model.problem'; problem: ModelProblem | null }
  /** A failure with no request to reply to (e.g. the indexing job died). */
  | { type: 'error'; error: ErrorData };

export type AppEventListener = (event: AppEvent) => void;
