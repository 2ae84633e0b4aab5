/**
 * Labels from folder names, the ImageFolder convention of training sets:
 * `birds/017.Cardinal/x.jpg` -> "Cardinal". A leading `NNN.` id is dropped, `_` become spaces,
 * and a name that matches a known class (ignoring case and `_`/space) takes that class's spelling.
 */
import type { LabelStore } from './label-store.js';
import type { LibraryPaths } from './library-paths.js';
import type { LabelAssignment, LabelChange } from './types.js';
import { normalizeLabelKey } from './label-sets.js';
import { MAX_LABEL_LENGTH } from './label-validate.js';

export interface FolderImportResult {
  /** Images that get a label from their folder (or would, in a dry run). */
  applied: number;
  /** Images directly in the library root: no folder, no label. */
  skipped: number;
  /** Images per label, most first. */
  labels: { label: string; count: number; matched: boolean }[];
  dryRun: boolean;
  change: LabelChange | null;
}

/** The label a folder name stands for, before matching: `017.Northern_Cardinal` -> "Northern Cardinal". */
export function labelFromFolderName(folder: string): string {
  return folder
    .replace(/^\d+\./, '')
    .replaceAll('_', ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Labels every image inside a folder with its (immediate) folder's name, as one undo step. */
export function importLabelsFromFolders(
  store: LabelStore,
  paths: LibraryPaths,
  knownNames: readonly string[],
  options: { dryRun?: boolean } = {},
): FolderImportResult {
  const known = new Map<string, string>();
  for (const name of knownNames) if (!known.has(normalizeLabelKey(name))) known.set(normalizeLabelKey(name), name);
  const assignments: LabelAssignment[] = [];
  const tally = new Map<string, { count: number; matched: boolean }>();
  let skipped = 0;
  for (const [relPath, imageId] of paths.entries()) {
    const parts = relPath.split('/');
    const folder = parts.length >= 2 ? parts[parts.length - 2]! : null;
    const cleaned = folder === null ? '' : labelFromFolderName(folder);
    if (cleaned === '' || cleaned.length > MAX_LABEL_LENGTH) {
      skipped += 1;
      continue;
    }
    const match = known.get(normalizeLabelKey(cleaned));
    const label = match ?? cleaned;
    assignments.push({ imageId, label, rank: 'species' });
    const entry = tally.get(label) ?? { count: 0, matched: match !== undefined };
    entry.count += 1;
    tally.set(label, entry);
  }
  const dryRun = options.dryRun ?? false;
  const change =
    dryRun || assignments.length === 0
      ? null
      : store.applyEach(
          assignments,
          'imported',
          `Label ${assignments.length} image${assignments.length === 1 ? '' : 's'} from folder names`,
        );
  const labels = [...tally.entries()]
    .map(([label, { count, matched }]) => ({ label, count, matched }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  return { applied: assignments.length, skipped, labels, dryRun, change };
}
