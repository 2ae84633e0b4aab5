/** `fieldmark export <folder> --csv F`: the saved predictions and labels as CSV, without running any model. */
import { resolve } from 'node:path';
import { parseCommandArgs, optionalString, expectPositionals, requiredString, libraryArguments } from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { PREDICTIONS_CSV_HEADER, csvRecord, predictionCsvRecord } from '../../engine/export/csv.js';
import { pickCatalogModel, type CatalogModel } from '../catalog-model.js';
import { labelsCsv, type LabelExportModel } from '../../engine/labels/label-export.js';
import { displayClassNames } from '../../engine/labels/label-sets.js';
import { checkOutputPath, writeOutputFileAtomic } from '../../engine/export/safe-output.js';

export const EXPORT_USAGE = `fieldmark export <folder> --csv <file> [--labels-only] [--model <id|file>] [--db <file>]

Write the labels and saved predictions of a folder as CSV, one row per image (--labels-only: labelled
images only): path, label, label_source, label_rank, [scientific_name, genus, family, order for CUB
models], prediction, confidence, top_k, model, labelled_at. "fieldmark labels import --csv" reads it back.
`;

const OPTIONS = {
  csv: { type: 'string' },
  model: { type: 'string' },
  db: { type: 'string' },
  'labels-only': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const exportCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('export', args, OPTIONS);
  if (values.help) {
    context.stdout.write(EXPORT_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('export', positionals, ['folder']);
  const csvPath = resolve(context.cwd, requiredString('csv', values.csv));
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    checkCsvOutput(csvPath, library.catalogPath);
    const requested = optionalString(values.model);
    // Labels export without a model too: a library labelled by hand (or imported) need not be classified.
    const model =
      requested === undefined && library.catalog.listModels().length === 0
        ? null
        : await pickCatalogModel(library.catalog, requested, context.cwd);
    const csv = labelsCsv(library.catalog, library.libraryId, model && labelExportModel(model), {
      labelsOnly: values['labels-only'] === true,
      env: context.env,
    });
    writeOutputFileAtomic(csvPath, csv.text, { protectedPaths: [library.catalogPath] });
    context.stdout.write(`wrote ${csv.rows} rows to ${csvPath}\n`);
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};

/**
 * Writes the predictions CSV (header + one record per row) to `path` through a temporary file
 * renamed into place; `catalogPath` (and its -wal/-shm) is never written over.
 * @throws FieldmarkError InvalidArgument when `path` is the catalog, WriteFailed/DiskFull when the write fails.
 */
export function writePredictionsCsv(
  path: string,
  rows: Iterable<Parameters<typeof predictionCsvRecord>[0]>,
  classNames: readonly string[],
  modelId: string,
  catalogPath: string,
): void {
  const parts = [csvRecord(PREDICTIONS_CSV_HEADER)];
  for (const row of rows) parts.push(predictionCsvRecord(row, classNames, modelId));
  writeOutputFileAtomic(path, parts.join(''), { protectedPaths: [catalogPath] });
}

/** Refuses, before any work, a --csv output that is the catalog; see checkOutputPath. */
export function checkCsvOutput(path: string, catalogPath: string): void {
  checkOutputPath(path, { protectedPaths: [catalogPath] });
}

function labelExportModel(model: CatalogModel): LabelExportModel {
  const { id, labelSet, classNames } = model.metadata;
  return { rowId: model.rowId, id, labelSet, classNames: displayClassNames(labelSet, classNames) };
}
