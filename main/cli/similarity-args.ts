/**
 * What `similar` and `duplicates` share: opening the catalog's vectors of the chosen model, and
 * telling a library image from an outside photo on the command line (one rule for both).
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { realpath } from 'node:fs/promises';
import type { OpenLibrary } from '../engine/library.js';
import { UsageError } from './args.js';

export type ImageArgument = { kind: 'library'; imageId: number; relPath: string } | { kind: 'outside'; path: string };

/**
 * A path inside the library (absolute, relative to the command's folder or to the library) that
 * the catalog knows, else an existing file anywhere (an outside photo).
 * @throws UsageError when it is neither
 */
export async function resolveImageArgument(
  library: OpenLibrary,
  modelRowId: number,
  image: string,
  cwd: string,
): Promise<ImageArgument> {
  const relPath = await libraryRelativePath(library.root, image, cwd);
  if (relPath !== null) {
    const found = library.catalog.listImages({
      libraryId: library.libraryId,
      modelRowId,
      pathContains: relPath,
      limit: 1000,
    });
    const target = found.items.find((item) => item.relPath === relPath);
    if (target) return { kind: 'library', imageId: target.id, relPath };
  }
  const outside = resolve(cwd, image);
  if (existsSync(outside) && statSync(outside).isFile()) return { kind: 'outside', path: outside };
  throw new UsageError(
    `similar: expected an image of the library, received "${image}" (not in the catalog, and no such file to use as an outside photo; was the folder classified?)`,
  );
}

/** The catalog's relative path (with `/`) for a path given on the command line, or null when it leads outside the library. */
async function libraryRelativePath(root: string, image: string, cwd: string): Promise<string | null> {
  const candidates = isAbsolute(image) ? [image] : [resolve(cwd, image), resolve(root, image)];
  for (const candidate of candidates) {
    const real = await realpath(candidate).catch(() => null);
    if (real && (real === root || real.startsWith(root + sep))) return relative(root, real).split(sep).join('/');
  }
  return isAbsolute(image) ? null : image.split(sep).join('/');
}
