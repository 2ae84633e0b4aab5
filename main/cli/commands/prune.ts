/**
 * `fieldmark prune <folder>`: forget the images whose files are gone. The scanner only marks
 * such images missing (their predictions, features and labels wait for the file to return);
 * deleting them is always the user's explicit decision, made here.
 */
import { parseCommandArgs, expectPositionals, libraryArguments } from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { reconcileScan, walkLibrary } from '../../engine/scan/index.js';

export const PRUNE_USAGE = `fieldmark prune <folder> [--db <file>] [--force]

Rescan the folder and delete from the catalog the images whose files are gone (with their
predictions, features and labels). Without --force it refuses when all or most of the
catalogued files are gone at once (an unmounted drive looks like that).
`;

const OPTIONS = { db: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const pruneCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('prune', args, OPTIONS);
  if (values.help) {
    context.stdout.write(PRUNE_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('prune', positionals, ['folder']);
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    const unreadable: string[] = [];
    const walked = await walkLibrary(library.root, (problem) => {
      unreadable.push(problem.relPath);
      context.stderr.write(`warning: ${problem.path}: ${problem.message}\n`);
    });
    await reconcileScan(library.catalog, library.libraryId, walked, {
      unreadable,
      acceptMissing: values.force === true,
    });
    const pruned = library.catalog.pruneMissing(library.libraryId);
    context.stdout.write(`pruned ${pruned} missing image${pruned === 1 ? '' : 's'} from ${library.catalogPath}\n`);
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};
