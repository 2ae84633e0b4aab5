/**
 * The models page, folder tree and folder browser requests (issue 13): input schemas (checked on
 * the engine side) and result types, merged into `requests.ts`.
 */
import { z } from 'zod';
import type { FolderCount, FolderListing, ModelImportReport, ModelProblem, ModelRow } from './model-types.js';
import type { Settings } from './types.js';

const noInput = z.strictObject({});
const modelId = z.string().min(1).max(4096);

export const modelRequestSchemas = {
  /** Every model with its visible name and state. */
  'models.rows': noInput,
  /** The library's model problem now (the banner), for a window that connects after it was raised. */
  'models.problem': noInput,
  /** Starts downloading (resumable, SHA-256 checked) and converting a registry model in the engine. */
  'models.download': z.strictObject({ id: modelId }),
  'models.cancelDownload': z.strictObject({ id: modelId }),
  /** Converts a checkpoint file (on the engine's machine) into a model; `like` names its registry model. */
  'models.import': z.strictObject({ path: z.string().min(1).max(4096), like: modelId.optional() }),
  /** Makes the model the library's model (re-indexes with it). */
  'models.use': z.strictObject({ id: modelId }),
  /** Removes a downloaded registry model from the cache. */
  'models.remove': z.strictObject({ id: modelId }),
  /** Image counts per folder of the open library. */
  'library.folders': noInput,
  /** Lists the readable sub-folders of a folder on the engine's machine (default: the home folder). */
  'library.browse': z.strictObject({ path: z.string().max(4096).optional() }),
} as const;

export interface ModelRequestResults {
  'models.rows': ModelRow[];
  'models.problem': ModelProblem | null;
  'models.download': ModelRow[];
  'models.cancelDownload': ModelRow[];
  'models.import': ModelImportReport;
  'models.use': Settings;
  'models.remove': ModelRow[];
  'library.folders': FolderCount[];
  'library.browse': FolderListing;
}
