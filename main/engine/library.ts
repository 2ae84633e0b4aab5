/** Opening a photo folder as a library: its real path, its catalog file and its row id. */
import { realpath, stat } from 'node:fs/promises';
import { Catalog, defaultCatalogPath } from './catalog/index.js';
import { FieldmarkError } from '../util/errors.js';

export interface OpenLibrary {
  root: string;
  catalog: Catalog;
  libraryId: number;
  catalogPath: string;
}

/**
 * Opens (creating if needed) the catalog of `folder`.
 * @throws FieldmarkError NotFound when the folder does not exist, InvalidArgument when it is not a folder, CatalogCorrupt for a bad catalog file
 */
export async function openLibrary(
  folder: string,
  options: { dbPath?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<OpenLibrary> {
  let root: string;
  try {
    root = await realpath(folder);
  } catch (error) {
    throw new FieldmarkError(
      'NotFound',
      `library folder ${folder} does not exist (${(error as NodeJS.ErrnoException).code ?? 'unknown'})`,
    );
  }
  const info = await stat(root);
  if (!info.isDirectory())
    throw new FieldmarkError('InvalidArgument', `expected a folder of photos, received a file: ${folder}`);
  const catalogPath = options.dbPath ?? defaultCatalogPath(root, options.env ?? process.env);
  const catalog = Catalog.open(catalogPath);
  const libraryId = catalog.ensureLibrary(root);
  return { root, catalog, libraryId, catalogPath };
}
