/**
 * One rule for turning the contract's image filter into the catalog's query: status names,
 * label filters (a taxon above the species expands into every label under it) and the model's
 * class names for the disagreement filter.
 */
import type { ImageFilterQuery, ImageStatus } from '../contract/types.js';
import type { ImageStatus as CatalogStatus, LabelFilter, ListImagesQuery } from '../engine/catalog/types.js';
import { taxonomyOf } from '../engine/labels/label-sets.js';
import type { LabelRank } from '../engine/labels/types.js';

export interface ListContext {
  libraryId: number;
  modelRowId: number | null;
  labelSet: string | null;
  classNames: readonly string[];
}

export function toCatalogStatus(status: ImageStatus): CatalogStatus {
  return status === 'indexed' ? 'ok' : status;
}

/**
 * The labels a "label is X" filter matches: X itself, and for a genus, family or order every
 * species and coarser taxon beneath it in the label set's taxonomy (so a family filter also shows
 * images labelled only at a genus of that family).
 */
export function labelsMatching(label: string, rank: LabelRank, labelSet: string | null): string[] {
  const matched = new Set([label]);
  if (rank === 'species' || labelSet === null) return [...matched];
  const wanted = label.toLowerCase();
  for (const entry of taxonomyOf(labelSet) ?? []) {
    const lineage = rank === 'genus' ? [entry.genus] : rank === 'family' ? [entry.family] : [entry.order];
    if (!lineage.some((value) => value.toLowerCase() === wanted)) continue;
    matched.add(entry.name);
    if (rank !== 'genus') matched.add(entry.genus);
    if (rank === 'order') matched.add(entry.family);
  }
  return [...matched];
}

const lineageCache = new Map<string, string[][] | null>();

/**
 * Per class index, the coarser labels that agree with a prediction of that class (its genus,
 * family and order), so a back-off label is no disagreement with a species beneath it; null for
 * label sets without a taxonomy.
 */
export function classLineage(labelSet: string | null, classCount: number): string[][] | null {
  if (labelSet === null) return null;
  const key = `${labelSet}:${classCount}`;
  const cached = lineageCache.get(key);
  if (cached !== undefined) return cached;
  const taxonomy = taxonomyOf(labelSet);
  const lineage =
    taxonomy && taxonomy.length === classCount
      ? taxonomy.map((entry) => [entry.genus, entry.family, entry.order])
      : null;
  lineageCache.set(key, lineage);
  return lineage;
}

/** One rule with the `disagree` filter: a label disagrees when it is neither the top-1 class nor a taxon above it. */
export function labelDisagrees(
  label: string,
  top1Index: number | null,
  classNames: readonly string[],
  lineage: readonly (readonly string[])[] | null,
): boolean {
  if (top1Index === null) return false;
  return label !== classNames[top1Index] && !(lineage?.[top1Index]?.includes(label) ?? false);
}

export function catalogListQuery(query: ImageFilterQuery, context: ListContext): ListImagesQuery {
  let label: LabelFilter | undefined;
  if (query.labelIs)
    label = { kind: 'is', labels: labelsMatching(query.labelIs.label, query.labelIs.rank, context.labelSet) };
  else if (query.label) label = { kind: query.label };
  return {
    libraryId: context.libraryId,
    modelRowId: context.modelRowId,
    status: query.status === undefined ? 'all' : toCatalogStatus(query.status),
    ...(query.classIndex === undefined ? {} : { classIndex: query.classIndex }),
    ...(query.minConfidence === undefined ? {} : { minConfidence: query.minConfidence }),
    ...(query.maxConfidence === undefined ? {} : { maxConfidence: query.maxConfidence }),
    ...(query.pathContains ? { pathContains: query.pathContains } : {}),
    ...(query.folder ? { folder: query.folder } : {}),
    ...(label ? { label } : {}),
    ...(label?.kind === 'disagree'
      ? {
          classNames: context.classNames,
          classLineage: classLineage(context.labelSet, context.classNames.length) ?? [],
        }
      : {}),
    sort: query.sort,
    order: query.order,
  };
}
