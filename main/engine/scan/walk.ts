/**
 * Listing a library folder: every regular file below the root, hidden entries skipped,
 * symbolic links followed, each real folder walked once, problems reported and never fatal.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldmarkError } from '../../util/errors.js';
import type { ErrorKind } from '../../util/errors.js';

export interface WalkedFile {
  absPath: string;
  /** Relative to the library root, with `/` separators on every platform. */
  relPath: string;
  size: number;
  mtimeMs: number;
}

export interface WalkProblem {
  path: string;
  relPath: string;
  kind: ErrorKind;
  message: string;
}

export type WalkProblemHandler = (problem: WalkProblem) => void;

/** Files of one folder are stat'ed this many at a time: enough to overlap I/O, few enough to keep file handles low. */
const STAT_CONCURRENCY = 32;

function describeFsError(error: unknown): { kind: ErrorKind; detail: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  return { kind: code === 'ENOENT' ? 'NotFound' : 'ReadFailed', detail };
}

interface PendingFolder {
  absPath: string;
  relPath: string;
}

class LibraryWalker {
  /** `dev:ino` of every folder already walked: the loop (and duplicate) detector. */
  private readonly visited = new Set<string>();
  /** Folders reached through links wait until all real folders are walked, so real paths win. */
  private readonly linkedFolders: PendingFolder[] = [];

  constructor(private readonly onProblem: WalkProblemHandler) {}

  private report(path: string, relPath: string, what: string, error: unknown): void {
    const { kind, detail } = describeFsError(error);
    this.onProblem({ path, relPath, kind, message: `${what} ${path}: ${detail}` });
  }

  /** Marks a folder as visited; false when it was already (a loop or a second link to it). */
  private claimFolder(info: Stats): boolean {
    const key = `${info.dev}:${info.ino}`;
    if (this.visited.has(key)) return false;
    this.visited.add(key);
    return true;
  }

  async *walk(rootAbs: string, rootInfo: Stats): AsyncGenerator<WalkedFile> {
    this.claimFolder(rootInfo);
    yield* this.walkFolder(rootAbs, '');
    for (let next = this.linkedFolders.shift(); next !== undefined; next = this.linkedFolders.shift()) {
      let info: Stats;
      try {
        info = await stat(next.absPath);
      } catch (error) {
        this.report(next.absPath, next.relPath, 'cannot read linked folder', error);
        continue;
      }
      if (this.claimFolder(info)) yield* this.walkFolder(next.absPath, next.relPath);
    }
  }

  private async readEntries(absDir: string, relDir: string): Promise<Dirent[]> {
    const entries: Dirent[] = [];
    try {
      // opendir streams the listing and closes itself when iteration ends or throws.
      for await (const entry of await opendir(absDir)) {
        if (!entry.name.startsWith('.')) entries.push(entry);
      }
    } catch (error) {
      this.report(absDir, relDir, 'cannot list folder', error);
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async *walkFolder(absDir: string, relDir: string): AsyncGenerator<WalkedFile> {
    const entries = await this.readEntries(absDir, relDir);
    const files: PendingFolder[] = [];
    const folders: PendingFolder[] = [];
    for (const entry of entries) {
      const item = {
        absPath: join(absDir, entry.name),
        relPath: relDir === '' ? entry.name : `${relDir}/${entry.name}`,
      };
      let kind = entryKind(entry);
      if (kind === 'unknown') {
        // Some file systems do not report entry types in listings; only then is an lstat needed.
        try {
          kind = statsKind(await lstat(item.absPath));
        } catch (error) {
          this.report(item.absPath, item.relPath, 'cannot read', error);
          continue;
        }
      }
      if (kind === 'file' || kind === 'link') files.push(item);
      else if (kind === 'folder') folders.push(item);
    }
    for (let start = 0; start < files.length; start += STAT_CONCURRENCY) {
      const chunk = files.slice(start, start + STAT_CONCURRENCY);
      const results = await Promise.all(
        chunk.map((item) =>
          stat(item.absPath).then(
            (info) => ({ item, info, error: null }),
            (error: unknown) => ({ item, info: null, error }),
          ),
        ),
      );
      for (const { item, info, error } of results) {
        if (info === null) {
          this.report(item.absPath, item.relPath, 'cannot read (dangling link or no permission)', error);
        } else if (info.isFile()) {
          yield { absPath: item.absPath, relPath: item.relPath, size: info.size, mtimeMs: info.mtimeMs };
        } else if (info.isDirectory()) {
          this.linkedFolders.push(item); // a link to a folder
        }
      }
    }
    for (const folder of folders) {
      let info: Stats;
      try {
        info = await stat(folder.absPath);
      } catch (error) {
        this.report(folder.absPath, folder.relPath, 'cannot read folder', error);
        continue;
      }
      if (this.claimFolder(info)) yield* this.walkFolder(folder.absPath, folder.relPath);
    }
  }
}

type EntryKind = 'file' | 'folder' | 'link' | 'other' | 'unknown';

function entryKind(entry: Dirent): EntryKind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'folder';
  if (entry.isSymbolicLink()) return 'link';
  if (entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice()) return 'other';
  return 'unknown';
}

function statsKind(info: Stats): EntryKind {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'folder';
  if (info.isSymbolicLink()) return 'link';
  return 'other';
}

/**
 * Streams every regular file below `root` (see the module comment for the rules).
 * @throws FieldmarkError NotFound when the root does not exist, InvalidArgument when it is not a folder.
 *   Those are fatal on purpose: an unmounted drive must not look like an emptied library.
 */
export async function* walkLibraryFiles(root: string, onProblem: WalkProblemHandler): AsyncGenerator<WalkedFile> {
  let rootAbs: string;
  let rootInfo: Stats;
  try {
    rootAbs = await realpath(root);
    rootInfo = await stat(rootAbs);
  } catch (error) {
    throw new FieldmarkError('NotFound', `library folder ${root} cannot be opened: ${describeFsError(error).detail}`, {
      cause: error,
    });
  }
  if (!rootInfo.isDirectory())
    throw new FieldmarkError('InvalidArgument', `library root: expected a folder but ${root} is a file`);
  yield* new LibraryWalker(onProblem).walk(rootAbs, rootInfo);
}

/** All files of `walkLibraryFiles` as an array. */
export async function walkLibrary(root: string, onProblem: WalkProblemHandler): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  for await (const file of walkLibraryFiles(root, onProblem)) files.push(file);
  return files;
}
