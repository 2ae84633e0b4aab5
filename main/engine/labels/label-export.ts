/**
 * The labels CSV (`fieldmark export`): one row per image with its label and provenance, the CUB
 * taxonomy of the label where the model's label set has one, and the model's prediction.
 * Text cells are neutralised against spreadsheet formulas (csv.ts); importing the file into a
 * new catalog of the same folder gives the same labels.
 */
import type { Catalog } from '../catalog/catalog.js';
import { decodeTopK } from '../catalog/rows.js';
import { csvRecord, formatTopK } from '../export/csv.js';
import { taxonomyOf } from './label-sets.js';
import type { TaxonomyEntry } from './label-sets.js';
import { normalizeLabelKey } from './label-sets.js';
import type { LabelRank } from './types.js';

export const LABELS_CSV_HEADER = ['path', 'label', 'label_source', 'label_rank'] as const;
export const TAXONOMY_CSV_COLUMNS = ['scientific_name', 'genus', 'family', 'order'] as const;
export const PREDICTION_CSV_COLUMNS = ['prediction', 'confidence', 'top_k', 'model', 'labelled_at'] as const;

export interface LabelExportModel {
  rowId: number;
  id: string;
  labelSet: string;
  classNames: readonly string[];
}

export interface LabelExportOptions {
  labelsOnly?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The taxonomy columns for a label at a rank (a genus label fills genus, family and order). */
function taxonomyCells(entries: readonly TaxonomyEntry[], label: string | null, rank: LabelRank | null): string[] {
  if (label === null) return ['', '', '', ''];
  const key = normalizeLabelKey(label);
  const species = entries.find((e) => normalizeLabelKey(e.name) === key || normalizeLabelKey(e.commonName) === key);
  if (species !== undefined && (rank === null || rank === 'species'))
    return [species.scientificName, species.genus, species.family, species.order];
  const lower = label.trim().toLowerCase();
  const byGenus = entries.find((e) => e.genus.toLowerCase() === lower);
  if (byGenus && rank !== 'family' && rank !== 'order') return ['', byGenus.genus, byGenus.family, byGenus.order];
  const byFamily = entries.find((e) => e.family.toLowerCase() === lower);
  if (byFamily && rank !== 'order') return ['', '', byFamily.family, byFamily.order];
  const byOrder = entries.find((e) => e.order.toLowerCase() === lower);
  if (byOrder) return ['', '', '', byOrder.order];
  return species ? [species.scientificName, species.genus, species.family, species.order] : ['', '', '', ''];
}

/** The whole CSV text (header + one CRLF record per image). */
export function labelsCsv(
  catalog: Catalog,
  libraryId: number,
  model: LabelExportModel | null,
  options: LabelExportOptions = {},
): { text: string; rows: number } {
  const taxonomy = model === null ? null : taxonomyOf(model.labelSet, options.env);
  const header = [...LABELS_CSV_HEADER, ...(taxonomy ? TAXONOMY_CSV_COLUMNS : []), ...PREDICTION_CSV_COLUMNS];
  const parts = [csvRecord(header)];
  const rows = catalog.labels.exportRows(libraryId, model?.rowId ?? null, options.labelsOnly ?? false);
  for (const row of rows) {
    const topk = row.topkJson === null ? [] : decodeTopK(row.topkJson);
    const best = topk[0];
    const prediction =
      best === undefined || model === null ? '' : (model.classNames[best.index] ?? `class ${best.index}`);
    parts.push(
      csvRecord([
        row.relPath,
        row.label,
        row.source,
        row.rank,
        ...(taxonomy ? taxonomyCells(taxonomy, row.label, row.rank) : []),
        prediction,
        best ? best.prob.toFixed(4) : '',
        formatTopK(topk),
        best && model ? model.id : '',
        row.labelledAt,
      ]),
    );
  }
  return { text: parts.join(''), rows: rows.length };
}
