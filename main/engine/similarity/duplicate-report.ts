/**
 * Near-duplicate groups described for people: each member's path, size and pixels, and the
 * suggested keeper (most pixels, then the bigger file, then the shorter path). Nothing is moved
 * or deleted here; the desktop app alone may trash the rest, after the user confirms.
 */
import type { Catalog } from '../catalog/index.js';
import type { DuplicateGroup } from './duplicates.js';

export interface DuplicateMember {
  imageId: number;
  relPath: string;
  size: number;
  width: number | null;
  height: number | null;
  /** Cosine similarity to the group's first (medoid) member; 1 for the medoid itself. */
  score: number;
  keep: boolean;
}

export interface DuplicateReportGroup {
  minScore: number;
  members: DuplicateMember[];
}

export function describeGroups(catalog: Catalog, groups: readonly DuplicateGroup[]): DuplicateReportGroup[] {
  return groups.flatMap((group) => {
    const members: DuplicateMember[] = group.imageIds.flatMap((imageId, i) => {
      const details = catalog.imageDetails(imageId, null);
      if (!details) return []; // removed since the vectors were loaded
      return [
        {
          imageId,
          relPath: details.relPath,
          size: details.size,
          width: details.width,
          height: details.height,
          score: group.scores[i]!,
          keep: false,
        },
      ];
    });
    if (members.length < 2) return [];
    const keeper = [...members].sort(
      (a, b) =>
        (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0) ||
        b.size - a.size ||
        a.relPath.length - b.relPath.length ||
        a.relPath.localeCompare(b.relPath),
    )[0]!;
    keeper.keep = true;
    return [{ minScore: group.minScore, members }];
  });
}
