/**
 * `fieldmark similar <folder> <image>`: the images of a classified folder that look most like one
 * of them, by cosine similarity of the model's pooled features.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { realpath } from 'node:fs/promises';
import { parseCommandArgs, optionalString, expectPositionals, intOption, UsageError, libraryArguments } from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { nearestNeighbours, vectorOf } from '../../engine/similarity/vector-search.js';
import { pickCatalogModel } from '../catalog-model.js';

export const SIMILAR_USAGE = `fieldmark similar <folder> <image> [--top N] [--model <id|file>] [--db <file>] [--json]

List the images most similar to <image> (a path inside the folder, or relative to it), best first.
`;

const OPTIONS = {
  top: { type: 'string' },
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
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    const model = await pickCatalogModel(library.catalog, optionalString(values.model), context.cwd);
    const relPath = await libraryRelativePath(library.root, image!, context.cwd);
    const found = library.catalog.listImages({ libraryId: library.libraryId, modelRowId: model.rowId, pathContains: relPath, limit: 1000 });
    const target = found.items.find((item) => item.relPath === relPath);
    if (!target) throw new UsageError(`similar: expected an image of the library, received "${image}" (not in the catalog; was the folder classified?)`);
    const matrix = library.catalog.features(library.libraryId, model.rowId);
    const query = vectorOf(matrix, target.id);
    if (!query) throw new UsageError(`similar: "${relPath}" has no feature vector for ${model.metadata.id} (status ${target.status})`);
    const neighbours = nearestNeighbours(matrix, query, top, target.id);
    const paths = new Map<number, string>();
    for (const neighbour of neighbours) paths.set(neighbour.imageId, library.catalog.imageDetails(neighbour.imageId, null)?.relPath ?? '?');
    for (const [rank, neighbour] of neighbours.entries()) {
      const path = paths.get(neighbour.imageId)!;
      const score = Number(neighbour.score.toFixed(4));
      context.stdout.write(values.json ? `${JSON.stringify({ type: 'similar', rank: rank + 1, path, score })}\n` : `${String(rank + 1).padStart(3)}  ${score.toFixed(4)}  ${path}\n`);
    }
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};

/** The catalog's relative path (with `/`) for a path given on the command line. */
async function libraryRelativePath(root: string, image: string, cwd: string): Promise<string> {
  const candidates = isAbsolute(image) ? [image] : [resolve(cwd, image), resolve(root, image)];
  for (const candidate of candidates) {
    const real = await realpath(candidate).catch(() => null);
    if (real && (real === root || real.startsWith(root + sep))) return relative(root, real).split(sep).join('/');
  }
  return image.split(sep).join('/');
}
