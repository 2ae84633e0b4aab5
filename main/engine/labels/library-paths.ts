/**
 * How a path named in a label file (CSV row, folder import) finds its image: relative to the
 * library root as exports write it, or absolute inside the root; `..` out of it, or an absolute
 * path elsewhere, is "outside the library".
 */
import { isAbsolute, posix, relative, sep } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';

export type PathLookup =
  | { kind: 'image'; imageId: number; relPath: string }
  | { kind: 'unknown' }
  | { kind: 'outside' };

export class LibraryPaths {
  private readonly byPath: Map<string, number>;

  constructor(
    private readonly root: string,
    files: readonly { id: number; relPath: string }[],
  ) {
    this.byPath = new Map(files.map((file) => [file.relPath, file.id]));
  }

  static of(catalog: Catalog, libraryId: number, root: string): LibraryPaths {
    return new LibraryPaths(root, catalog.storedFiles(libraryId));
  }

  /** Every image of the library by relative path (with `/`). */
  entries(): IterableIterator<[string, number]> {
    return this.byPath.entries();
  }

  lookup(path: string): PathLookup {
    let candidate = path.trim();
    if (isAbsolute(candidate)) {
      const inside = relative(this.root, candidate);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { kind: 'outside' };
      candidate = inside.split(sep).join('/');
    }
    const normal = posix.normalize(candidate);
    if (normal === '..' || normal.startsWith('../')) return { kind: 'outside' };
    const direct = this.byPath.get(normal);
    if (direct !== undefined) return { kind: 'image', imageId: direct, relPath: normal };
    // A CSV written on Windows names folders with backslashes.
    if (candidate.includes('\\')) {
      const slashed = posix.normalize(candidate.replaceAll('\\', '/'));
      if (slashed === '..' || slashed.startsWith('../')) return { kind: 'outside' };
      const found = this.byPath.get(slashed);
      if (found !== undefined) return { kind: 'image', imageId: found, relPath: slashed };
    }
    return { kind: 'unknown' };
  }
}
