/**
 * The labelling requests of the contract: input schemas (checked on the engine side) and result
 * types. Merged into `requests.ts`; kept apart so that labelling is one file to read.
 */
import { z } from 'zod';
import type {
  LabelChangeSummary,
  LabelCountsView,
  LabelExport,
  LabelHistoryItem,
  LabelImportReport,
  LabelVocabulary,
  UndoState,
} from './label-types.js';

/** The most images one labelling request may name (a select-all of a very large library). */
export const MAX_LABEL_IDS = 2_000_000;
/** The largest CSV text one import request may carry (the WebSocket bounds it as well). */
export const MAX_IMPORT_CSV_CHARS = 64 * 1024 * 1024;

const noInput = z.strictObject({});
const imageId = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const imageIds = z.array(imageId).min(1).max(MAX_LABEL_IDS);
const labelName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((value) => !/[\u0000-\u001f]/.test(value), 'a label cannot hold control characters');
export const labelRank = z.enum(['species', 'genus', 'family', 'order']);

export const labelRequestSchemas = {
  /** Gives every image the label (one undo step). `accepted` marks a prediction the user accepted. */
  'labels.set': z.strictObject({
    imageIds,
    label: labelName,
    rank: labelRank.default('species'),
    source: z.enum(['manual', 'accepted']).default('manual'),
  }),
  /** Gives each image its own top-1 prediction of the library's model (one undo step). */
  'labels.acceptPredictions': z.strictObject({ imageIds }),
  'labels.clear': z.strictObject({ imageIds }),
  'labels.undo': noInput,
  'labels.redo': noInput,
  'labels.undoState': noInput,
  'labels.vocabulary': noInput,
  'labels.add': z.strictObject({ label: labelName, rank: labelRank.default('species') }),
  'labels.rename': z.strictObject({ from: labelName, to: labelName }),
  'labels.merge': z.strictObject({ from: labelName, into: labelName }),
  'labels.remove': z.strictObject({ label: labelName }),
  'labels.history': z.strictObject({ imageId }),
  'labels.counts': noInput,
  'labels.exportCsv': z.strictObject({ labelsOnly: z.boolean().default(false) }),
  'labels.importCsv': z.strictObject({ csv: z.string().max(MAX_IMPORT_CSV_CHARS), dryRun: z.boolean().default(false) }),
  /** Labels every image with its folder's name (`birds/017.Cardinal/x.jpg` → Cardinal), one undo step. */
  'labels.importFolders': z.strictObject({ dryRun: z.boolean().default(false) }),
} as const;

export interface LabelRequestResults {
  'labels.set': LabelChangeSummary;
  'labels.acceptPredictions': LabelChangeSummary;
  'labels.clear': LabelChangeSummary;
  'labels.undo': LabelChangeSummary | null;
  'labels.redo': LabelChangeSummary | null;
  'labels.undoState': UndoState;
  'labels.vocabulary': LabelVocabulary;
  'labels.add': LabelVocabulary;
  'labels.rename': LabelChangeSummary;
  'labels.merge': LabelChangeSummary;
  'labels.remove': LabelVocabulary;
  'labels.history': LabelHistoryItem[];
  'labels.counts': LabelCountsView;
  'labels.exportCsv': LabelExport;
  'labels.importCsv': LabelImportReport;
  'labels.importFolders': LabelImportReport;
}
