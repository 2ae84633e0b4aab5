/**
 * `fieldmark labels <subcommand>`: a small dispatcher; each subcommand is one handler, and adding
 * one (suspects, propagate, ...) is one line in SUBCOMMANDS.
 */
import { UsageError } from '../args.js';
import { EXIT_OK, EXIT_USAGE, type CliContext, type CommandHandler } from '../context.js';
import {
  labelsClear,
  labelsMerge,
  labelsRedo,
  labelsRename,
  labelsSet,
  labelsUndo,
} from '../labels/label-edit-commands.js';
import { labelsList } from '../labels/label-list-command.js';
import { labelsImport } from '../labels/label-import-command.js';
import { labelsPropagateCommand, labelsSuspectsCommand } from './labels-learning.js';

export type LabelsSubcommand = (args: string[], context: CliContext) => Promise<number>;

export const LABELS_USAGE = `fieldmark labels <subcommand> <folder> ... [--db <file>]

  set <folder> <path>... --label NAME [--rank species|genus|family|order]
                                  label images (one undo step)
  clear <folder> <path>...        remove their labels
  list <folder> [--json]          labelled images, then "n of N labelled" and counts per label
  undo <folder> | redo <folder>   undo or redo the last labelling step (kept in the catalog)
  rename <folder> OLD NEW         rename a label on every image (one step)
  merge <folder> FROM INTO        relabel FROM as INTO (one step)
  import <folder> --csv F [--closed] [--dry-run] [--json]
                                  labels from a CSV with path,label[,label_rank] columns; rows that
                                  cannot apply are listed (exit 1), the rest apply as one step
  import <folder> --from-folders [--dry-run]
                                  labels from folder names (birds/017.Cardinal/x.jpg -> "Cardinal")
  suspects <folder> [--top N] [--json]
                                  likely label mistakes, most suspect first, with the label they point to
  propagate <folder> [--min-score S] [--dry-run] [--json]
                                  spread labels to unlabelled neighbours as "propagated" suggestions
`;

const SUBCOMMANDS: Record<string, LabelsSubcommand> = {
  set: labelsSet,
  clear: labelsClear,
  list: labelsList,
  undo: labelsUndo,
  redo: labelsRedo,
  rename: labelsRename,
  merge: labelsMerge,
  import: labelsImport,
  suspects: labelsSuspectsCommand,
  propagate: labelsPropagateCommand,
};

export const labelsCommand: CommandHandler = async (args, context) => {
  const [name, ...rest] = args;
  if (name === undefined) {
    context.stderr.write(`fieldmark labels: expected a subcommand\n\n${LABELS_USAGE}`);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || rest.includes('--help') || rest.includes('-h')) {
    context.stdout.write(LABELS_USAGE);
    return EXIT_OK;
  }
  const handler = SUBCOMMANDS[name];
  if (handler === undefined)
    throw new UsageError(`labels: expected a subcommand (${Object.keys(SUBCOMMANDS).join(', ')}), received "${name}"`);
  return handler(rest, context);
};
