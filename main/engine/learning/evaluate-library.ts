/**
 * Evaluation of a model's saved predictions on the images of a library that have a true label:
 * the user's own labels, the name of the folder each image is in, or a CSV of path,label.
 * The model's classes are matched to the true labels by name (label-mapping.ts).
 */
import type { Catalog } from '../catalog/catalog.js';
import { LabelStore } from '../labels/label-store.js';
import { parseCsv } from '../export/csv-parse.js';
import { FieldmarkError, unreachable } from '../../util/errors.js';
import type { ModelMetadata } from '../../zoo/onnx/model-metadata.js';
import { isUserLabel } from './labelled-features.js';
import { classNamesAsLabels } from './label-mapping.js';
import { evaluate, type EvaluatedItem, type Evaluation } from './evaluation.js';

export type TruthSource = { kind: 'labels' } | { kind: 'folders' } | { kind: 'csv'; text: string };

export interface LibraryEvaluation extends Evaluation {
  /** Image ids per confusion cell, `${true}\u0000${predicted}` -> ids, for "show these images". */
  cells: Record<string, number[]>;
  /** Images with a true label but no prediction of the model. */
  unpredicted: number;
}

/** Image id -> true label. @throws FieldmarkError InvalidArgument for a CSV without path and label columns. */
export function truthLabels(
  catalog: Catalog,
  libraryId: number,
  modelRowId: number,
  source: TruthSource,
): Map<number, string> {
  const truth = new Map<number, string>();
  switch (source.kind) {
    case 'labels':
      for (const record of new LabelStore(catalog, libraryId).allLabels())
        if (isUserLabel(record)) truth.set(record.imageId, record.label);
      return truth;
    case 'folders':
      for (const row of catalog.exportRows(libraryId, modelRowId)) {
        const parts = row.relPath.split('/');
        if (parts.length >= 2) truth.set(row.imageId, parts[parts.length - 2]!);
      }
      return truth;
    case 'csv': {
      const records = parseCsv(source.text).records;
      const header = (records[0]?.fields ?? []).map((f) => f.trim().toLowerCase());
      const pathColumn = header.indexOf('path');
      const labelColumn = header.indexOf('label');
      if (pathColumn < 0 || labelColumn < 0) {
        throw new FieldmarkError(
          'InvalidArgument',
          `--truth CSV: expected a header with "path" and "label" columns, received "${header.join(',')}"`,
        );
      }
      const byPath = new Map(catalog.exportRows(libraryId, modelRowId).map((row) => [row.relPath, row.imageId]));
      for (const record of records.slice(1)) {
        const id = byPath.get((record.fields[pathColumn] ?? '').replace(/\\/g, '/').replace(/^\.\//, ''));
        const label = (record.fields[labelColumn] ?? '').trim();
        if (id !== undefined && label) truth.set(id, label);
      }
      return truth;
    }
    default:
      return unreachable(source);
  }
}

/** Evaluates the model of `modelRowId` against `truth`. */
export function evaluateLibrary(
  catalog: Catalog,
  libraryId: number,
  modelRowId: number,
  metadata: ModelMetadata,
  truth: Map<number, string>,
): LibraryEvaluation {
  const names = classNamesAsLabels(metadata.classNames, [...new Set(truth.values())]);
  const items: (EvaluatedItem & { imageId: number })[] = [];
  let unpredicted = 0;
  const predictedIds = new Set<number>();
  for (const row of catalog.exportRows(libraryId, modelRowId)) {
    const label = truth.get(row.imageId);
    if (label === undefined || row.topk.length === 0) continue;
    predictedIds.add(row.imageId);
    items.push({
      imageId: row.imageId,
      truth: label,
      ranked: row.topk.map((e) => names[e.index] ?? String(e.index)),
      confidence: row.topk[0]!.prob,
    });
  }
  for (const id of truth.keys()) if (!predictedIds.has(id)) unpredicted += 1;
  const cells: Record<string, number[]> = {};
  for (const item of items) {
    const key = `${item.truth}\u0000${item.ranked[0]}`;
    (cells[key] ??= []).push(item.imageId);
  }
  return { ...evaluate(items), cells, unpredicted };
}
