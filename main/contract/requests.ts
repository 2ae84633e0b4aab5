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

const noInput = z.strictObject({});
const imageId = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const confidence = z.number().min(0).max(1);

/** The largest page of tiles one `images.list` call may ask for. */
export const MAX_PAGE_SIZE = 1000;

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
    status: z.enum(['pending', 'indexed', 'failed']).optional(),
    classIndex: z.int().min(0).max(100_000).optional(),
    minConfidence: confidence.optional(),
    maxConfidence: confidence.optional(),
    pathContains: z.string().max(1024).optional(),
    sort: z.enum(['name', 'date', 'confidence']),
    order: z.enum(['asc', 'desc']),
    offset: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.int().min(1).max(MAX_PAGE_SIZE),
  }),
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
} as const;

export type RequestSchemas = typeof requestSchemas;
export type RequestMethod = keyof RequestSchemas;
/** What a caller passes (before defaults are applied). */
export type RequestInput<M extends RequestMethod> = z.input<RequestSchemas[M]>;
/** What a handler receives (validated). */
export type ValidatedInput<M extends RequestMethod> = z.output<RequestSchemas[M]>;

export interface RequestResults {
  'app.info': AppInfo;
  'library.current': LibraryInfo | null;
  'library.open': LibraryInfo;
  'library.openDialog': LibraryInfo | null;
  'library.recent': RecentLibrary[];
  'library.stats': LibraryStats;
  'library.classes': ClassInfo[];
  'images.list': ImagePage;
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
