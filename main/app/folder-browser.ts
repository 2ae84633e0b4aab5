/**
 * The folder browser behind the browser UI's "open folder" field: lists the sub-folders of a
 * folder on the engine's machine, only those the user can read (the OS decides, not us), hidden
 * folders left out.
 */
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { FolderListing } from '../contract/model-types.js';
import { FieldmarkError } from '../util/errors.js';

const MAX_FOLDERS = 500;

/** @throws FieldmarkError InvalidArgument (relative path) / NotFound (unreadable or not a folder) */
export async function browseFolder(path: string | undefined): Promise<FolderListing> {
  if (path !== undefined && path !== '' && !isAbsolute(path))
    throw new FieldmarkError('InvalidArgument', `library.browse: expected an absolute path, received "${path}"`);
  const folder = resolve(path || homedir());
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new FieldmarkError('NotFound', `cannot list ${folder}: ${(error as Error).message}`, { cause: error });
  }
  const candidates = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name);
  const readable: string[] = [];
  for (const name of candidates.sort((a, b) => a.localeCompare(b))) {
    if (readable.length >= MAX_FOLDERS) break;
    try {
      await access(join(folder, name), constants.R_OK | constants.X_OK);
      readable.push(name);
    } catch {}
  }
  const parent = dirname(folder);
  return { path: folder, parent: parent === folder ? null : parent, folders: readable };
}
