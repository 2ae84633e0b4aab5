/**
 * `fieldmark similar <folder> <image>`: the images of a classified folder that look most like one
 * of them, or like a photo from outside the library (run through the model, not added), by
 * cosine similarity of the model's pooled features; `--negative` pushes results away from images.
 */
import {
  parseCommandArgs,
  optionalString,
  expectPositionals,
  intOption,
  UsageError,
  libraryArguments,
} from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { SimilarityCore, similarityFilePrefix } from '../../engine/similarity/similarity-core.js';
import { embedImage } from '../../engine/similarity/embed-image.js';
import { pickCatalogModel } from '../catalog-model.js';
import { resolveModelArgument } from '../model-argument.js';
import { resolveImageArgument } from '../similarity-args.js';
import { unitOption } from '../similarity-options.js';

export const SIMILAR_USAGE = `fieldmark similar <folder> <image> [--top N] [--negative IMG]... [--threshold T] [--exact] [--model <id|file>] [--db <file>] [--json]

List the images most similar to <image>, best first. <image> is a path inside the folder (or
relative to it), or any other image file: that one is run through the model but not added.
--negative IMG (repeatable) ranks images like IMG lower (query = mean(positives) - 0.5 mean(negatives)).
--threshold T keeps results with cosine similarity >= T. --exact never uses the approximate index.
`;

const OPTIONS = {
  top: { type: 'string' },
  negative: { type: 'string', multiple: true },
  threshold: { type: 'string' },
  exact: { type: 'boolean' },
  model: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const similarCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('similar', args, OPTIONS);
  if (values.help) {
    context.stdout.write(SIMILAR_USAGE);
    return EXIT_OK;
  }
  const [folder, image] = expectPositionals('similar', positionals, ['folder', 'image']);
  const top = intOption('top', values.top, 10, 1, 1000);
  const threshold = values.threshold === undefined ? undefined : unitOption('threshold', values.threshold);
  const negativeArgs = (values as { negative?: string[] }).negative ?? [];
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    const model = await pickCatalogModel(library.catalog, optionalString(values.model), context.cwd);
    const core = new SimilarityCore({
      catalog: library.catalog,
      libraryId: library.libraryId,
      modelRowId: model.rowId,
      savePrefix: similarityFilePrefix(library.catalogPath, model.rowId),
    });
    const target = await resolveImageArgument(library, model.rowId, image!, context.cwd);
    const withVector = (imageId: number, relPath: string): number => {
      if (!core.store.has(imageId))
        throw new UsageError(
          `similar: "${relPath}" has no feature vector for ${model.metadata.id} (not classified, or it failed)`,
        );
      return imageId;
    };
    const negatives: number[] = [];
    for (const negative of negativeArgs) {
      const found = await resolveImageArgument(library, model.rowId, negative, context.cwd);
      if (found.kind !== 'library')
        throw new UsageError(`--negative: expected an image of the library, received the outside file "${negative}"`);
      negatives.push(withVector(found.imageId, found.relPath));
    }
    let outside: Float32Array[] = [];
    if (target.kind === 'outside') {
      // The model file itself is needed to run the photo: --model names it, else the catalog's model id is resolved.
      const modelFile = await resolveModelArgument(
        optionalString(values.model) ?? model.metadata.id,
        context.cwd,
        context.env,
      ).catch((error: unknown) => {
        throw new UsageError(
          `similar: an outside photo must be run through the model: pass --model <file|id> (${(error as Error).message})`,
        );
      });
      outside = [await embedImage(target.path, modelFile)];
    }
    const answer = core.search({
      positives: target.kind === 'library' ? [withVector(target.imageId, target.relPath)] : [],
      outside,
      negatives,
      top,
      ...(threshold === undefined ? {} : { threshold }),
      method: values.exact ? 'exact' : 'auto',
    });
    for (const [rank, neighbour] of answer.neighbours.entries()) {
      const path = library.catalog.imageDetails(neighbour.imageId, null)?.relPath ?? '?';
      const score = Number(neighbour.score.toFixed(4));
      context.stdout.write(
        values.json
          ? `${JSON.stringify({ type: 'similar', rank: rank + 1, path, score })}\n`
          : `${String(rank + 1).padStart(3)}  ${score.toFixed(4)}  ${path}\n`,
      );
    }
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};
