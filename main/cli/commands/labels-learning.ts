/**
 * `fieldmark labels suspects` (likely label mistakes, most suspect first) and `fieldmark labels
 * propagate` (label spreading to unlabelled neighbours, written as `propagated` suggestions).
 * Handlers of the `labels` dispatcher; each gets the arguments after its subcommand name.
 */
import {
  parseCommandArgs,
  optionalString,
  expectPositionals,
  intOption,
  libraryArguments,
  UsageError,
} from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { findSuspects, propagateLabels } from '../../engine/learning/label-review.js';
import { resolveBaseModel } from '../base-model.js';

export const LABELS_SUSPECTS_USAGE = `fieldmark labels suspects <folder> [--top N] [--model <id|file>] [--db <file>] [--json]

List labelled images whose label the cross-validated classifier and the nearest neighbours
disagree with, most suspect first, with the label they point to.
`;

export const LABELS_PROPAGATE_USAGE = `fieldmark labels propagate <folder> [--min-score S] [--dry-run] [--model <id|file>] [--db <file>] [--json]

Spread your labels to unlabelled images over the similarity graph (label spreading). Suggestions
scoring at least S (0-1, default 0.5) are saved with source "propagated"; they never replace
your labels. --dry-run only lists them.
`;

const COMMON = {
  model: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function relPaths(
  catalog: { imageDetails(id: number, model: number | null): { relPath: string } | null },
  ids: number[],
): Map<number, string> {
  return new Map(ids.map((id) => [id, catalog.imageDetails(id, null)?.relPath ?? `#${id}`]));
}

export const labelsSuspectsCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('labels suspects', args, { ...COMMON, top: { type: 'string' } });
  if (values.help) {
    context.stdout.write(LABELS_SUSPECTS_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('labels suspects', positionals, ['folder']);
  const top = intOption('top', values.top, 20, 1, 1_000_000);
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    const base = await resolveBaseModel(
      library.catalog,
      optionalString(values.model),
      'model',
      context.cwd,
      context.env,
    );
    const suspects = (
      await findSuspects(library.catalog, library.libraryId, base.rowId, { signal: context.signal })
    ).slice(0, top);
    const paths = relPaths(
      library.catalog,
      suspects.map((s) => s.imageId),
    );
    for (const [rank, s] of suspects.entries()) {
      const path = paths.get(s.imageId)!;
      if (values.json) {
        context.stdout.write(
          `${JSON.stringify({ type: 'suspect', rank: rank + 1, path, imageId: s.imageId, label: s.label, suggested: s.suggested, score: Number(s.score.toFixed(4)), givenProbability: Number(s.givenProbability.toFixed(4)), neighbourAgreement: Number(s.neighbourAgreement.toFixed(4)) })}\n`,
        );
      } else {
        context.stdout.write(
          `${String(rank + 1).padStart(4)}  ${s.score.toFixed(3)}  ${path}  "${s.label}" -> "${s.suggested}"\n`,
        );
      }
    }
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};

export const labelsPropagateCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('labels propagate', args, {
    ...COMMON,
    'min-score': { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (values.help) {
    context.stdout.write(LABELS_PROPAGATE_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('labels propagate', positionals, ['folder']);
  const rawScore = values['min-score'];
  const minScore = rawScore === undefined ? 0.5 : Number(rawScore);
  if (typeof rawScore === 'boolean' || !Number.isFinite(minScore) || minScore < 0 || minScore > 1) {
    throw new UsageError(`--min-score: expected a number from 0 to 1, received "${String(rawScore)}"`);
  }
  const dryRun = values['dry-run'] === true;
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    const base = await resolveBaseModel(
      library.catalog,
      optionalString(values.model),
      'model',
      context.cwd,
      context.env,
    );
    const result = await propagateLabels(library.catalog, library.libraryId, base.rowId, {
      minScore,
      dryRun,
      signal: context.signal,
    });
    const paths = relPaths(
      library.catalog,
      result.suggestions.map((s) => s.imageId),
    );
    for (const s of result.suggestions) {
      const path = paths.get(s.imageId)!;
      if (values.json)
        context.stdout.write(
          `${JSON.stringify({ type: 'suggestion', path, imageId: s.imageId, label: s.label, score: Number(s.score.toFixed(4)) })}\n`,
        );
      else context.stdout.write(`${s.score.toFixed(3)}  ${path}  "${s.label}"\n`);
    }
    const written = result.change ? result.change.changedImageIds.length : 0;
    const summary = {
      type: 'summary',
      seeds: result.seeds,
      unlabelled: result.unlabelled,
      suggested: result.suggestions.length,
      written,
      dryRun,
    };
    if (values.json) context.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      context.stderr.write(
        `${result.suggestions.length} suggestions from ${result.seeds} labelled images over ${result.unlabelled} unlabelled; ${dryRun ? 'dry run, nothing saved' : `${written} saved as "propagated"`}\n`,
      );
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};
