/** `fieldmark export <folder> --csv F`: the saved predictions and labels as CSV, without running any model. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseCommandArgs, optionalString, expectPositionals, requiredString, libraryArguments } from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { PREDICTIONS_CSV_HEADER, csvRecord, predictionCsvRecord } from '../../engine/export/csv.js';
import { pickCatalogModel } from '../catalog-model.js';

export const EXPORT_USAGE = `fieldmark export <folder> --csv <file> [--model <id|file>] [--db <file>]

Write the saved predictions (and labels) of a classified folder as CSV, one row per classified image.
`;

const OPTIONS = { csv: { type: 'string' }, model: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

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
    const model = await pickCatalogModel(library.catalog, optionalString(values.model), context.cwd);
    const rows = library.catalog.exportRows(library.libraryId, model.rowId);
    await writePredictionsCsv(csvPath, rows, model.metadata.classNames, model.metadata.id);
    context.stdout.write(`wrote ${rows.length} rows to ${csvPath}\n`);
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};

/** Streams the predictions CSV (header + one record per row) to `path`. */
export async function writePredictionsCsv(
  path: string,
  rows: Iterable<Parameters<typeof predictionCsvRecord>[0]>,
  classNames: readonly string[],
  modelId: string,
): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(csvRecord(PREDICTIONS_CSV_HEADER));
  for (const row of rows) await write(predictionCsvRecord(row, classNames, modelId));
  out.end();
  await once(out, 'finish');
}
