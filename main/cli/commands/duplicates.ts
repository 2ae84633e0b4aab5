/**
 * `fieldmark duplicates <folder>`: groups of near-identical photos (resized, recompressed,
 * slightly cropped, bursts) by feature similarity, largest first, each with a suggested keeper.
 * It only reports: nothing is moved or deleted from the command line.
 */
import { resolve } from 'node:path';
import { parseCommandArgs, optionalString, expectPositionals, libraryArguments } from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { csvRecord } from '../../engine/export/csv.js';
import { checkOutputPath, writeOutputFileAtomic } from '../../engine/export/safe-output.js';
import { SimilarityCore, similarityFilePrefix } from '../../engine/similarity/similarity-core.js';
import { describeGroups } from '../../engine/similarity/duplicate-report.js';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../../engine/similarity/duplicates.js';
import { pickCatalogModel } from '../catalog-model.js';
import { unitOption } from '../similarity-options.js';

export const DUPLICATES_USAGE = `fieldmark duplicates <folder> [--threshold T] [--json | --csv <file>] [--model <id|file>] [--db <file>]

Groups of near-duplicate photos (cosine similarity of features >= T, default ${DEFAULT_DUPLICATE_THRESHOLD}),
largest group first; "keep" marks the suggested keeper (most pixels, then the biggest file).
Nothing is moved or deleted.
`;

const OPTIONS = {
  threshold: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'string' },
  model: { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const duplicatesCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('duplicates', args, OPTIONS);
  if (values.help) {
    context.stdout.write(DUPLICATES_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('duplicates', positionals, ['folder']);
  const threshold =
    values.threshold === undefined ? DEFAULT_DUPLICATE_THRESHOLD : unitOption('threshold', values.threshold);
  const csvPath = optionalString(values.csv) === undefined ? null : resolve(context.cwd, optionalString(values.csv)!);
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    if (csvPath) checkOutputPath(csvPath, { protectedPaths: [library.catalogPath] });
    const model = await pickCatalogModel(library.catalog, optionalString(values.model), context.cwd);
    const core = new SimilarityCore({
      catalog: library.catalog,
      libraryId: library.libraryId,
      modelRowId: model.rowId,
      savePrefix: similarityFilePrefix(library.catalogPath, model.rowId),
    });
    const groups = describeGroups(library.catalog, core.duplicates(threshold));
    if (csvPath) {
      const lines = [csvRecord(['group', 'path', 'keep', 'score', 'width', 'height', 'size'])];
      groups.forEach((group, g) => {
        for (const m of group.members)
          lines.push(csvRecord([g + 1, m.relPath, m.keep ? 1 : 0, m.score.toFixed(4), m.width, m.height, m.size]));
      });
      writeOutputFileAtomic(csvPath, lines.join(''), { protectedPaths: [library.catalogPath] });
      context.stdout.write(`wrote ${groups.length} groups to ${csvPath}\n`);
    } else if (values.json) {
      groups.forEach((group, g) => {
        const members = group.members.map((m) => ({
          path: m.relPath,
          keep: m.keep,
          score: Number(m.score.toFixed(4)),
        }));
        context.stdout.write(
          `${JSON.stringify({ type: 'group', group: g + 1, size: members.length, minScore: Number(group.minScore.toFixed(4)), members })}\n`,
        );
      });
      context.stdout.write(
        `${JSON.stringify({ type: 'summary', groups: groups.length, images: core.store.size, threshold })}\n`,
      );
    } else {
      groups.forEach((group, g) => {
        context.stdout.write(
          `group ${g + 1}: ${group.members.length} photos (similarity >= ${group.minScore.toFixed(3)})\n`,
        );
        for (const m of group.members)
          context.stdout.write(`  ${m.keep ? 'keep' : '    '}  ${m.score.toFixed(4)}  ${m.relPath}\n`);
      });
      context.stdout.write(
        `${groups.length} groups of near-duplicates among ${core.store.size} photos (threshold ${threshold})\n`,
      );
    }
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};
