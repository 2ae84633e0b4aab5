/**
 * `fieldmark check <folder>`: the full integrity check of a library's catalog, and, on request,
 * moving a damaged catalog aside to start a new one (the old file is renamed, never deleted).
 */
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { parseCommandArgs, expectPositionals, libraryArguments } from '../args.js';
import { EXIT_FAILURE, EXIT_OK, type CommandHandler } from '../context.js';
import { defaultCatalogPath } from '../../engine/catalog/index.js';
import { checkCatalog, moveCatalogAside } from '../../engine/catalog/catalog-check.js';
import { FieldmarkError } from '../../util/errors.js';

export const CHECK_USAGE = `fieldmark check <folder> [--db <file>] [--move-aside]

Run SQLite's full integrity check on the folder's catalog. With --move-aside, a catalog that
cannot be opened or is damaged is renamed to <file>.broken-<time> (kept, with its -wal) and a
new, empty catalog is started; the next classify rebuilds it from the photos (labels stay in the
old file).
`;

const OPTIONS = {
  db: { type: 'string' },
  'move-aside': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const checkCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('check', args, OPTIONS);
  if (values.help) {
    context.stdout.write(CHECK_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('check', positionals, ['folder']);
  const opened = libraryArguments(folder!, values.db, context);
  const file = opened.options.dbPath ?? defaultCatalogPath(await libraryRoot(opened.folder), context.env);
  if (!existsSync(file))
    throw new FieldmarkError('NotFound', `no catalog at ${file} (classify the folder first, or give --db)`);
  const result = checkCatalog(file);
  if (result.problem === null) {
    context.stdout.write(`ok: ${file} passes the integrity check\n`);
    return EXIT_OK;
  }
  context.stderr.write(`fieldmark check: ${result.problem.message} (${result.problem.kind})\n`);
  if (values['move-aside'] !== true) return EXIT_FAILURE;
  const kept = moveCatalogAside(file);
  context.stdout.write(`moved the damaged catalog to ${kept}; started a new catalog at ${file}\n`);
  return EXIT_OK;
};

async function libraryRoot(folder: string): Promise<string> {
  try {
    return await realpath(folder);
  } catch (error) {
    throw new FieldmarkError(
      'InvalidArgument',
      `library folder ${folder} does not exist (${(error as NodeJS.ErrnoException).code ?? 'unknown'}); give --db to check a catalog file`,
    );
  }
}
