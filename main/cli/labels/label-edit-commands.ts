/** `fieldmark labels set|clear|undo|redo|rename|merge`: label edits, each one undo step. */
import { parseCommandArgs, requiredString, choiceOption, expectPositionals, UsageError } from '../args.js';
import { EXIT_OK, type CliContext } from '../context.js';
import { LABEL_RANKS } from '../../engine/labels/types.js';
import type { LabelChange } from '../../engine/labels/types.js';
import { imageIdsOfPaths, plural, withLabelLibrary } from './label-library.js';

const DB = { db: { type: 'string' } } as const;

function report(context: CliContext, verb: string, change: LabelChange): void {
  const kept =
    change.protectedImageIds.length > 0 ? ` (${plural(change.protectedImageIds.length, 'manual label')} kept)` : '';
  context.stdout.write(`${verb}: ${plural(change.changedImageIds.length, 'image')} changed${kept}\n`);
}

function needPaths(command: string, positionals: string[]): [string, string[]] {
  const [folder, ...paths] = positionals;
  if (folder === undefined || paths.length === 0)
    throw new UsageError(
      `${command}: expected <folder> <path>..., received ${positionals.length === 0 ? 'nothing' : `only "${positionals.join(' ')}"`}`,
    );
  return [folder, paths];
}

export async function labelsSet(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('labels set', args, {
    ...DB,
    label: { type: 'string' },
    rank: { type: 'string' },
  });
  const [folder, given] = needPaths('labels set', positionals);
  const label = requiredString('label', values.label);
  if (label.trim() === '') throw new UsageError('--label: expected a non-empty label, received blanks');
  const rank = choiceOption('rank', values.rank, LABEL_RANKS, 'species');
  return withLabelLibrary(folder, values.db, context, ({ store, paths }) => {
    const ids = imageIdsOfPaths('labels set', paths, given, context.cwd);
    report(context, `labelled "${label.trim()}"`, store.apply(ids, { label, rank }, 'manual'));
    return EXIT_OK;
  });
}

export async function labelsClear(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('labels clear', args, DB);
  const [folder, given] = needPaths('labels clear', positionals);
  return withLabelLibrary(folder, values.db, context, ({ store, paths }) => {
    report(context, 'cleared', store.apply(imageIdsOfPaths('labels clear', paths, given, context.cwd), null, 'manual'));
    return EXIT_OK;
  });
}

async function undoOrRedo(which: 'undo' | 'redo', args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(`labels ${which}`, args, DB);
  const [folder] = expectPositionals(`labels ${which}`, positionals, ['folder']);
  return withLabelLibrary(folder!, values.db, context, ({ store }) => {
    const description = store.undoState()[which];
    const change = which === 'undo' ? store.undo() : store.redo();
    if (change === null) context.stdout.write(`nothing to ${which}\n`);
    else
      context.stdout.write(
        `${which === 'undo' ? 'undid' : 'redid'} "${description ?? ''}": ${plural(change.changedImageIds.length, 'image')}\n`,
      );
    return EXIT_OK;
  });
}

export const labelsUndo = (args: string[], context: CliContext): Promise<number> => undoOrRedo('undo', args, context);
export const labelsRedo = (args: string[], context: CliContext): Promise<number> => undoOrRedo('redo', args, context);

export async function labelsRename(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('labels rename', args, DB);
  const [folder, from, into] = expectPositionals('labels rename', positionals, ['folder', 'old', 'new']);
  return withLabelLibrary(folder!, values.db, context, ({ store }) => {
    report(context, `renamed "${from}" to "${into}"`, store.rename(from!, into!));
    return EXIT_OK;
  });
}

export async function labelsMerge(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('labels merge', args, DB);
  const [folder, from, into] = expectPositionals('labels merge', positionals, ['folder', 'from', 'into']);
  return withLabelLibrary(folder!, values.db, context, ({ store }) => {
    report(context, `merged "${from}" into "${into}"`, store.merge(from!, into!));
    return EXIT_OK;
  });
}
