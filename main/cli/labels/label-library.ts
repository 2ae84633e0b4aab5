/**
 * What every `fieldmark labels` subcommand shares: opening the folder's catalog (the same
 * --db/folder rule as export and similar), a LabelStore over it, and turning the paths named on
 * the command line into image ids.
 */
import { isAbsolute, resolve } from 'node:path';
import { libraryArguments, UsageError } from '../args.js';
import type { CliContext } from '../context.js';
import { openLibrary, type OpenLibrary } from '../../engine/library.js';
import { LabelStore } from '../../engine/labels/label-store.js';
import { LibraryPaths } from '../../engine/labels/library-paths.js';
import { displayClassNames } from '../../engine/labels/label-sets.js';
import type { ModelMetadata } from '../../zoo/onnx/model-metadata.js';

export interface LabelLibrary {
  library: OpenLibrary;
  store: LabelStore;
  paths: LibraryPaths;
}

/** Opens the folder's catalog, runs `work`, and closes the catalog whatever happens. */
export async function withLabelLibrary<T>(
  folder: string,
  db: string | boolean | undefined,
  context: CliContext,
  work: (opened: LabelLibrary) => Promise<T> | T,
): Promise<T> {
  const args = libraryArguments(folder, db, context);
  const library = await openLibrary(args.folder, args.options);
  try {
    const store = new LabelStore(library.catalog, library.libraryId);
    return await work({ library, store, paths: LibraryPaths.of(library.catalog, library.libraryId, library.root) });
  } finally {
    library.catalog.close();
  }
}

/**
 * Image ids of paths given on the command line (relative to the folder, to the working directory, or absolute).
 * @throws UsageError naming every path that is not an image of the library
 */
export function imageIdsOfPaths(command: string, paths: LibraryPaths, given: readonly string[], cwd: string): number[] {
  const ids: number[] = [];
  const bad: string[] = [];
  for (const path of given) {
    let found = paths.lookup(path);
    if (found.kind !== 'image' && !isAbsolute(path)) {
      const fromCwd = paths.lookup(resolve(cwd, path));
      if (fromCwd.kind === 'image') found = fromCwd;
    }
    if (found.kind === 'image') ids.push(found.imageId);
    else
      bad.push(
        `"${path}" (${found.kind === 'outside' ? 'outside the library' : 'not in the catalog; was the folder classified?'})`,
      );
  }
  if (bad.length > 0) throw new UsageError(`${command}: expected images of the library, received ${bad.join(', ')}`);
  return ids;
}

/** Every class name the library's models know (real names where the label set is known), for matching labels. */
export function knownClassNames(library: OpenLibrary): string[] {
  const names = new Set<string>();
  for (const model of library.catalog.listModels()) {
    const metadata = JSON.parse(model.metadataJson) as Partial<ModelMetadata>;
    if (Array.isArray(metadata.classNames))
      for (const name of displayClassNames(metadata.labelSet ?? '', metadata.classNames)) names.add(name);
  }
  return [...names];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
