/**
 * Bringing the catalog in line with what a walk found on disk: new files, changed files,
 * moved files (recognised by content), and files gone. One catalog transaction at the end.
 */
import type { Catalog, ScanChanges, StoredFile } from '../catalog/index.js';
import { FieldmarkError } from '../../util/errors.js';
import { hasImageExtension, sniffImageFormat, SNIFF_BYTES } from './image-format.js';
import { readFileHead, sha256File } from './fingerprint.js';
import type { WalkedFile, WalkProblemHandler } from './walk.js';

export interface ReconcileSummary {
  /** New candidate images, now pending. */
  added: number;
  /** Files whose content changed: back to pending, old results dropped. */
  changed: number;
  /** Files with a new size or mtime but the same content: results kept. */
  touched: number;
  unchanged: number;
  /** Files gone since the last scan: marked missing, kept with results and labels until pruned. */
  removed: number;
  /** Files marked missing that are back (same path, or same content elsewhere). */
  returned: number;
  /** Files found under a new path with the content of a vanished one: results and labels kept. */
  renamed: number;
  /** Files that are not images (neither their content nor their extension says so). */
  ignored: number;
}

/**
 * A root that lost more than this share of at least UNAVAILABLE_MIN_FILES catalogued files (or
 * all of them) in one scan looks like an unmounted drive or a moved folder, not like deletions.
 */
export const UNAVAILABLE_SHARE = 0.5;
export const UNAVAILABLE_MIN_FILES = 20;

export interface ReconcileOptions {
  /**
   * Relative paths the walk could not read (`WalkProblem.relPath`): catalogued images at or
   * below them are kept as they are, so a folder that is briefly unreadable loses nothing.
   */
  unreadable?: readonly string[];
  /** Files that vanished or became unreadable between the walk and the hashing. */
  onProblem?: WalkProblemHandler;
  /** The user confirmed that the files are gone (`fieldmark prune --force`): skip the unavailable-root check. */
  acceptMissing?: boolean;
}

function isUnder(relPath: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => prefix === '' || relPath === prefix || relPath.startsWith(`${prefix}/`));
}

class ContentReader {
  constructor(private readonly onProblem: WalkProblemHandler | undefined) {}

  private report(file: WalkedFile, what: string, error: unknown): void {
    const detail = error instanceof Error ? error.message : String(error);
    this.onProblem?.({
      path: file.absPath,
      relPath: file.relPath,
      kind: 'ReadFailed',
      message: `cannot ${what} ${file.absPath}: ${detail}`,
    });
  }

  async fingerprint(file: WalkedFile): Promise<string | null> {
    try {
      return await sha256File(file.absPath);
    } catch (error) {
      this.report(file, 'hash', error);
      return null;
    }
  }

  /** A file is a candidate image if its extension or its first bytes say so. */
  async isCandidate(file: WalkedFile): Promise<boolean> {
    if (hasImageExtension(file.relPath)) return true;
    try {
      return sniffImageFormat(await readFileHead(file.absPath, SNIFF_BYTES)) !== null;
    } catch (error) {
      this.report(file, 'read', error);
      return false;
    }
  }
}

/**
 * Reconciles the catalog of `libraryId` with the files of one walk. Only new and changed files
 * are read; new files are hashed only when a vanished file has the same size (a possible move).
 */
export async function reconcileScan(
  catalog: Catalog,
  libraryId: number,
  walked: readonly WalkedFile[],
  options: ReconcileOptions = {},
): Promise<ReconcileSummary> {
  const reader = new ContentReader(options.onProblem);
  const unreadable = options.unreadable ?? [];
  if (unreadable.includes('')) {
    throw new FieldmarkError(
      'LibraryUnavailable',
      'the library folder cannot be listed (see the warning above); nothing in the catalog was changed',
    );
  }
  const summary: ReconcileSummary = {
    added: 0,
    changed: 0,
    touched: 0,
    unchanged: 0,
    removed: 0,
    returned: 0,
    renamed: 0,
    ignored: 0,
  };
  const returned: number[] = [];
  const changes: ScanChanges = { added: [], touched: [], changed: [], renamed: [], removed: [], returned };
  const stored = new Map(catalog.storedFiles(libraryId).map((file) => [file.relPath, file]));
  const seen = new Set<string>();
  const newFiles: WalkedFile[] = [];

  for (const file of walked) {
    seen.add(file.relPath);
    const known = stored.get(file.relPath);
    if (known === undefined) {
      newFiles.push(file);
      continue;
    }
    if (known.missingSince !== null) {
      returned.push(known.id);
      summary.returned += 1;
    }
    if (known.size === file.size && known.mtimeMs === file.mtimeMs) {
      summary.unchanged += 1;
    } else {
      // Always hash a changed file: the stored fingerprint is what lets writeResults drop a
      // result computed from the old content while this scan ran.
      const fingerprint = await reader.fingerprint(file);
      if (fingerprint === null) continue;
      if (fingerprint === known.fingerprint) {
        changes.touched.push({ id: known.id, size: file.size, mtimeMs: file.mtimeMs, fingerprint });
        summary.touched += 1;
      } else {
        changes.changed.push({ id: known.id, size: file.size, mtimeMs: file.mtimeMs, fingerprint });
        summary.changed += 1;
      }
    }
  }

  // Missing files stay candidates for a move: a file that returns elsewhere gets its row back.
  const vanished = [...stored.values()].filter((file) => !seen.has(file.relPath) && !isUnder(file.relPath, unreadable));
  const movable = new Map<number, StoredFile[]>();
  for (const file of vanished) {
    if (file.fingerprint === null) continue;
    const sameSize = movable.get(file.size);
    if (sameSize === undefined) movable.set(file.size, [file]);
    else sameSize.push(file);
  }
  const claimed = new Set<number>();

  for (const file of newFiles) {
    if (!(await reader.isCandidate(file))) {
      summary.ignored += 1;
      continue;
    }
    const sameSize = movable.get(file.size);
    const fingerprint = sameSize === undefined ? null : await reader.fingerprint(file);
    const moved =
      fingerprint === null
        ? undefined
        : sameSize?.find((old) => !claimed.has(old.id) && old.fingerprint === fingerprint);
    if (moved !== undefined) {
      claimed.add(moved.id);
      changes.renamed.push({ id: moved.id, relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs });
      if (moved.missingSince !== null) summary.returned += 1;
      else summary.renamed += 1;
    } else {
      changes.added.push({ relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs, fingerprint });
      summary.added += 1;
    }
  }

  for (const file of vanished) {
    if (claimed.has(file.id) || file.missingSince !== null) continue;
    changes.removed.push(file.id);
    summary.removed += 1;
  }
  if (options.acceptMissing !== true) checkRootAvailable(stored, changes.removed.length);
  catalog.applyScanChanges(libraryId, changes);
  return summary;
}

/**
 * Refuses a scan that would mark all, or most of many, catalogued files missing at once.
 * @throws FieldmarkError LibraryUnavailable, before anything is written.
 */
function checkRootAvailable(stored: ReadonlyMap<string, StoredFile>, vanishing: number): void {
  let present = 0;
  for (const file of stored.values()) if (file.missingSince === null) present += 1;
  if (vanishing === 0 || present === 0) return;
  const all = vanishing === present;
  const most = present >= UNAVAILABLE_MIN_FILES && vanishing > present * UNAVAILABLE_SHARE;
  if (!all && !most) return;
  throw new FieldmarkError(
    'LibraryUnavailable',
    `${vanishing} of the ${present} catalogued files are gone from the library folder; it looks unmounted, moved or emptied, so ` +
      'nothing in the catalog was changed. Reconnect the drive (or folder) and run again; if you deleted the files on purpose, ' +
      'run "fieldmark prune <folder> --force" to forget them.',
  );
}
