/**
 * CSV export and import of a library's labels for the contract (the app's Export and Import
 * buttons): the same engine modules as `fieldmark export` and `fieldmark labels import`, so the
 * app and the CLI write and read the same files.
 */
import { basename } from 'node:path';
import type { LabelExport, LabelImportReport } from '../contract/label-types.js';
import { importLabelsCsv as importCsv } from '../engine/labels/csv-import.js';
import { importLabelsFromFolders } from '../engine/labels/folder-import.js';
import { labelsCsv } from '../engine/labels/label-export.js';
import type { LabelStore } from '../engine/labels/label-store.js';
import { LibraryPaths } from '../engine/labels/library-paths.js';
import type { LabelChange } from '../engine/labels/types.js';
import type { LabelServiceContext } from './label-service.js';

export function exportLabelsCsv(context: LabelServiceContext, labelsOnly: boolean): LabelExport {
  const model = context.model();
  const exportModel =
    model && model.modelRowId !== null
      ? { rowId: model.modelRowId, id: model.id, labelSet: model.labelSet, classNames: model.classNames }
      : null;
  const { text, rows } = labelsCsv(context.catalog, context.libraryId, exportModel, { labelsOnly });
  const stamp = new Date().toISOString().slice(0, 10);
  return { fileName: `${basename(context.root) || 'library'}-labels-${stamp}.csv`, csv: text, rows };
}

export function importLabelsCsv(
  context: LabelServiceContext,
  store: LabelStore,
  csv: string,
  dryRun: boolean,
): { report: LabelImportReport; change: LabelChange | null } {
  const paths = LibraryPaths.of(context.catalog, context.libraryId, context.root);
  const result = importCsv(store, paths, csv, { dryRun });
  return {
    report: { dryRun: result.dryRun, applied: result.applied, rows: result.rows, errors: result.errors },
    change: result.change,
  };
}

/** Labels from folder names; folder names that match a class of the model take its spelling. */
export function importLabelsFromFolderNames(
  context: LabelServiceContext,
  store: LabelStore,
  dryRun: boolean,
): { report: LabelImportReport; change: LabelChange | null } {
  const paths = LibraryPaths.of(context.catalog, context.libraryId, context.root);
  const result = importLabelsFromFolders(store, paths, context.model()?.classNames ?? [], { dryRun });
  const errors =
    result.skipped > 0
      ? [
          {
            row: 0,
            reason: `${result.skipped} image${result.skipped === 1 ? ' is' : 's are'} not inside a folder: no label`,
          },
        ]
      : [];
  return {
    report: { dryRun: result.dryRun, applied: result.applied, rows: result.applied + result.skipped, errors },
    change: result.change,
  };
}
