/**
 * The request methods of the contract: one zod input schema per method (checked on the engine
 * side of every transport) and the type of each method's result. The renderer imports only the
 * types from here (`import type`), so zod never reaches the renderer bundle.
 */
import { z } from 'zod';
import type {
  AppInfo,
  ClassCount,
  ClassInfo,
  FailedImage,
  ImageDetails,
  ImagePage,
  IndexingStatus,
  LibraryInfo,
  LibraryStats,
  ModelSummary,
  RecentLibrary,
  Settings,
} from './types.js';
import type { ImageIdList } from './types.js';
import { labelRank, labelRequestSchemas, type LabelRequestResults } from './label-requests.js';
import { similarityRequestSchemas, type SimilarityRequestResults } from './similarity-requests.js';
import { quantizeRequestSchemas, type QuantizeRequestResults } from './quantize-requests.js';
import { learningRequestSchemas, type LearningRequestResults } from './learning-requests.js';
import { modelRequestSchemas, type ModelRequestResults } from './model-requests.js';

const noInput = z.strictObject({});
const imageId = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const confidence = z.number().min(0).max(1);

/** The largest page of tiles one `images.list` call may ask for. */
export const MAX_PAGE_SIZE = 1000;

/** The filter and sort of an image list (`images.list` adds paging). */
const imageFilterFields = {
  status: z.enum(['pending', 'indexed', 'failed']).optional(),
  classIndex: z.int().min(0).max(100_000).optional(),
  minConfidence: confidence.optional(),
  maxConfidence: confidence.optional(),
  pathContains: z.string().max(1024).optional(),
  folder: z.string().max(4096).optional(),
  label: z.enum(['labelled', 'unlabelled', 'disagree']).optional(),
  labelIs: z.strictObject({ label: z.string().min(1).max(200), rank: labelRank }).optional(),
  ids: z.array(imageId).max(10_000).optional(),
  sort: z.enum(['name', 'date', 'confidence', 'uncertainty']),
  order: z.enum(['asc', 'desc']),
};

export const requestSchemas = {
  'app.info': noInput,
  'library.current': noInput,
  'library.open': z.strictObject({ root: z.string().min(1).max(4096) }),
  /** Shows the native folder dialog (Electron only) and opens the chosen folder; null if cancelled. */
  'library.openDialog': noInput,
  'library.recent': noInput,
  'library.stats': noInput,
  'library.classes': noInput,
  'images.list': z.strictObject({
    ...imageFilterFields,
    offset: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.int().min(1).max(MAX_PAGE_SIZE),
  }),
  /** Every image id a filter shows, in its order (select all, also at 100,000 images). */
  'images.ids': z.strictObject(imageFilterFields),
  'images.details': z.strictObject({ id: imageId }),
  'images.failed': z.strictObject({ limit: z.int().min(1).max(10_000) }),
  'indexing.start': noInput,
  'indexing.pause': noInput,
  'indexing.resume': noInput,
  'indexing.cancel': noInput,
  'indexing.status': noInput,
  'models.list': noInput,
  'settings.get': noInput,
  'settings.update': z.strictObject({
    modelId: z.string().min(1).max(4096).nullable().optional(),
    device: z.enum(['auto', 'cpu', 'gpu']).optional(),
    batchSize: z.int().min(1).max(256).optional(),
    threads: z.int().min(1).max(256).nullable().optional(),
  }),
  'plots.classDistribution': noInput,
  'plots.confidenceHistogram': z.strictObject({ bins: z.int().min(2).max(100) }),
  ...labelRequestSchemas,
  ...similarityRequestSchemas,
  ...quantizeRequestSchemas,
  ...learningRequestSchemas,
  ...modelRequestSchemas,
} as const;

export type RequestSchemas = typeof requestSchemas;
export type RequestMethod = keyof RequestSchemas;
/** What a caller passes (before defaults are applied). */
export type RequestInput<M extends RequestMethod> = z.input<RequestSchemas[M]>;
/** What a handler receives (validated). */
export type ValidatedInput<M extends RequestMethod> = z.output<RequestSchemas[M]>;

export interface RequestResults
  extends LabelRequestResults,
    SimilarityRequestResults,
    QuantizeRequestResults,
    LearningRequestResults,
    ModelRequestResults {
  'app.info': AppInfo;
  'library.current': LibraryInfo | null;
  'library.open': LibraryInfo;
  'library.openDialog': LibraryInfo | null;
  'library.recent': RecentLibrary[];
  'library.stats': LibraryStats;
  'library.classes': ClassInfo[];
  'images.list': ImagePage;
  'images.ids': ImageIdList;
  'images.details': ImageDetails;
  'images.failed': FailedImage[];
  'indexing.start': IndexingStatus;
  'indexing.pause': IndexingStatus;
  'indexing.resume': IndexingStatus;
  'indexing.cancel': IndexingStatus;
  'indexing.status': IndexingStatus;
  'models.list': ModelSummary[];
  'settings.get': Settings;
  'settings.update': Settings;
  'plots.classDistribution': ClassCount[];
  'plots.confidenceHistogram': number[];
}

export type RequestResult<M extends RequestMethod> = RequestResults[M];

/** The engine side of the contract: one function per method, given validated input. */
export type RequestHandlers = {
  [M in RequestMethod]: (input: ValidatedInput<M>) => Promise<RequestResult<M>> | RequestResult<M>;
};

export const REQUEST_METHODS = Object.keys(requestSchemas) as RequestMethod[];
