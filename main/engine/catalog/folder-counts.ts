/**
 * Image counts per folder of a library for the folder tree: each folder counts the images in it
 * and below it; missing images (issue 12) are left out, as in every other count.
 */
import type { Catalog } from './catalog.js';

export interface FolderCountRow {
  /** Relative folder path, '/'-separated; '' is the library root. */
  path: string;
  count: number;
}

export function folderCounts(catalog: Catalog, libraryId: number): FolderCountRow[] {
  const rows = catalog.connection
    .prepare('SELECT rel_path FROM images WHERE library_id = ? AND missing_since IS NULL')
    .pluck()
    .all(libraryId) as string[];
  const counts = new Map<string, number>([['', 0]]);
  for (const relPath of rows) {
    counts.set('', (counts.get('') ?? 0) + 1);
    const parts = relPath.split('/');
    let prefix = '';
    for (let i = 0; i < parts.length - 1; i += 1) {
      prefix = prefix ? `${prefix}/${parts[i]}` : parts[i]!;
      counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    }
  }
  return [...counts.entries()].map(([path, count]) => ({ path, count })).sort((a, b) => a.path.localeCompare(b.path));
}
