/**
 * The similarity requests of the contract: find similar (to images, to an outside photo, with
 * negatives, filters and a threshold), near-duplicate groups, the 2-D map, and (desktop only)
 * moving confirmed duplicates to the OS trash. Merged into `requests.ts`.
 */
import { z } from 'zod';
import type {
  DuplicateGroupView,
  EmbeddingMap,
  SimilarResults,
  SimilarityStatus,
  TrashReport,
} from './similarity-types.js';

const imageId = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
/** The most results one search returns; a ranked grid of more is not looked at. */
export const MAX_SIMILAR_RESULTS = 1000;
/** An outside photo travels base64-encoded; 48 MiB of text is a ~36 MB file. */
export const MAX_OUTSIDE_IMAGE_CHARS = 48 * 1024 * 1024;

/** The grid's filters a search can be restricted to. */
const similarFilter = z.strictObject({
  classIndex: z.int().min(0).max(100_000).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  maxConfidence: z.number().min(0).max(1).optional(),
  label: z.enum(['labelled', 'unlabelled', 'disagree']).optional(),
  pathContains: z.string().max(1024).optional(),
});

const searchOptions = {
  negatives: z.array(imageId).max(1000).default([]),
  top: z.int().min(1).max(MAX_SIMILAR_RESULTS).default(200),
  threshold: z.number().min(-1).max(1).optional(),
  filter: similarFilter.optional(),
};

export const similarityRequestSchemas = {
  /** Images like `positives` (their centroid), less like `negatives`. */
  'similar.search': z.strictObject({ positives: z.array(imageId).min(1).max(1000), ...searchOptions }),
  /** Images like a photo that is not in the library (decoded and run through the model, not added). */
  'similar.searchOutside': z.strictObject({
    imageBase64: z.string().min(1).max(MAX_OUTSIDE_IMAGE_CHARS),
    ...searchOptions,
  }),
  'similar.duplicates': z.strictObject({ threshold: z.number().min(0).max(1) }),
  'similar.map': z.strictObject({ kind: z.enum(['pca', 'umap']) }),
  'similar.status': z.strictObject({}),
  /** Desktop only: moves the images to the OS trash (never deletes); `confirmed` must be true. */
  'duplicates.trash': z.strictObject({ imageIds: z.array(imageId).min(1).max(100_000), confirmed: z.literal(true) }),
} as const;

export interface SimilarityRequestResults {
  'similar.search': SimilarResults;
  'similar.searchOutside': SimilarResults;
  'similar.duplicates': DuplicateGroupView[];
  'similar.map': EmbeddingMap;
  'similar.status': SimilarityStatus;
  'duplicates.trash': TrashReport;
}
