/**
 * `fieldmark labels import <folder> --csv F [--closed] [--dry-run]` and `--from-folders`:
 * labels from a CSV (rows that cannot apply are listed with their line and reason; the others
 * apply as one undo step) or from the images' folder names. Exit 1 when any row was rejected.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommandArgs, expectPositionals, optionalString, UsageError } from '../args.js';
import { EXIT_FAILURE, EXIT_OK, type CliContext } from '../context.js';
import { importLabelsCsv } from '../../engine/labels/csv-import.js';
import { importLabelsFromFolders } from '../../engine/labels/folder-import.js';
import { FieldmarkError } from '../../util/errors.js';
import { knownClassNames, plural, withLabelLibrary } from './label-library.js';

const OPTIONS = {
  db: { type: 'string' },
  csv: { type: 'string' },
  'from-folders': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  closed: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

async function readCsvFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FieldmarkError(
      code === 'ENOENT' ? 'NotFound' : 'ReadFailed',
      `--csv ${path} could not be read (${code ?? (error as Error).message})`,
      { cause: error },
    );
  }
}

export async function labelsImport(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('labels import', args, OPTIONS);
  const [folder] = expectPositionals('labels import', positionals, ['folder']);
  const csv = optionalString(values.csv);
  const fromFolders = values['from-folders'] === true;
  if ((csv === undefined) === !fromFolders)
    throw new UsageError('labels import: expected exactly one of --csv <file> or --from-folders');
  if (fromFolders && values.closed) throw new UsageError('labels import: --closed applies to --csv only');
  const dryRun = values['dry-run'] === true;
  const out = context.stdout;
  const would = dryRun ? 'would label' : 'labelled';
  if (csv !== undefined) {
    const text = await readCsvFile(resolve(context.cwd, csv));
    return withLabelLibrary(folder!, values.db, context, ({ library, store, paths }) => {
      const closedVocabulary = values.closed
        ? [...knownClassNames(library), ...store.vocabulary().map((entry) => entry.label)]
        : null;
      const result = importLabelsCsv(store, paths, text, { dryRun, closedVocabulary });
      for (const error of result.errors) {
        if (values.json) out.write(`${JSON.stringify({ type: 'error', row: error.row, reason: error.reason })}\n`);
        else context.stderr.write(`row ${error.row}: ${error.reason}\n`);
      }
      const summary = {
        type: 'summary',
        rows: result.rows,
        applied: result.applied,
        changed: result.changed,
        rejected: result.errors.length,
        dryRun,
      };
      if (values.json) out.write(`${JSON.stringify(summary)}\n`);
      else
        out.write(
          `${would} ${plural(result.applied, 'image')} from ${plural(result.rows, 'row')} (${result.changed} changed); ${plural(result.errors.length, 'row')} rejected\n`,
        );
      return result.errors.length === 0 ? EXIT_OK : EXIT_FAILURE;
    });
  }
  return withLabelLibrary(folder!, values.db, context, ({ library, store, paths }) => {
    const known = [...knownClassNames(library), ...store.vocabulary().map((entry) => entry.label)];
    const result = importLabelsFromFolders(store, paths, known, { dryRun });
    if (values.json) {
      out.write(
        `${JSON.stringify({ type: 'summary', applied: result.applied, skipped: result.skipped, labels: result.labels, dryRun })}\n`,
      );
    } else {
      out.write(
        `${would} ${plural(result.applied, 'image')} from folder names (${result.skipped} in the root, no folder)\n`,
      );
      for (const entry of result.labels)
        out.write(
          `${String(entry.count).padStart(7)}  ${entry.label}${entry.matched ? '' : '  (not a known class)'}\n`,
        );
    }
    return EXIT_OK;
  });
}
