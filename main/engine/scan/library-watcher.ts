/**
 * Keeps an open library in sync with its folder: file-system events (one `fs.watch` per folder)
 * and a periodic rescan, coalesced into one `onChange` call after a quiet spell.
 *
 * Why one watcher per folder instead of `fs.watch(root, { recursive: true })`: on Linux, Node 20
 * emulates recursion in JavaScript and stops reporting files of a folder renamed after the
 * watch started (tested on 20.20). Why a rescan as well: network drives (SMB, NFS) and some
 * FUSE mounts deliver no events at all, and a full inotify table (ENOSPC) drops them; the rescan
 * compares a cheap signature (path, size, mtime of every file) and only reports a difference.
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { walkLibraryFiles } from './walk.js';
import { toErrorData, type ErrorData } from '../../util/errors.js';

export interface LibraryWatcherOptions {
  /** The library root (a real path, as `openLibrary` returns it). */
  root: string;
  /** Called once per burst of changes (the caller queues a run if one is going on). */
  onChange: () => void;
  /** A watch or rescan failure; the watcher keeps going with what still works. */
  onProblem?: (problem: ErrorData) => void;
  /** Absolute paths whose events are ignored (the catalog file and its -wal/-shm, when it lies inside the library). */
  ignore?: (absPath: string) => boolean;
  /** Quiet time before a burst is reported (default 500 ms). */
  quietMs?: number;
  /** A burst that never goes quiet (a long copy) is still reported this often (default 5 s). */
  maxDelayMs?: number;
  /** Period of the safety-net rescan (default 60 s; 0 turns it off). */
  rescanMs?: number;
  /** False: rely on the rescan alone (a network drive whose events are known not to arrive). */
  useEvents?: boolean;
  /**
   * True: the watches and the rescan timer keep the process alive until `close` (the CLI's
   * `--watch` has nothing else to wait on). False (default): the app and `serve` live by their
   * window or server, and a session someone forgot to close does not hang the process.
   */
  keepProcessAlive?: boolean;
}

export interface LibraryWatcher {
  /** Folders watched now (for tests and diagnostics). */
  watchedFolders(): number;
  /** Resolves once every folder is watched: changes from then on are reported (where events work). */
  watching(): Promise<void>;
  /** Resolves once the folders are watched and the rescan's baseline is taken: every change from then on is reported. */
  ready(): Promise<void>;
  close(): void;
}

const DEFAULT_QUIET_MS = 500;
const DEFAULT_MAX_DELAY_MS = 5_000;
const DEFAULT_RESCAN_MS = 60_000;

export function watchLibrary(options: LibraryWatcherOptions): LibraryWatcher {
  return new FolderWatcher(options);
}

class FolderWatcher implements LibraryWatcher {
  private readonly folders = new Map<string, FSWatcher>();
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private maxTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly rescanTimer: ReturnType<typeof setInterval> | null;
  private signature: Promise<string>;
  private closed = false;
  private rescanning = false;
  private readonly rescanMs: number;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly options: LibraryWatcherOptions) {
    this.quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.syncing = options.useEvents === false ? Promise.resolve() : this.syncFolders();
    this.rescanMs = options.rescanMs ?? DEFAULT_RESCAN_MS;
    this.signature = this.librarySignature();
    this.rescanTimer = this.rescanMs > 0 ? setInterval(() => void this.rescan(), this.rescanMs) : null;
    if (options.keepProcessAlive !== true) this.rescanTimer?.unref();
  }

  watchedFolders(): number {
    return this.folders.size;
  }

  async watching(): Promise<void> {
    await this.syncing;
  }

  async ready(): Promise<void> {
    await Promise.all([this.syncing, this.signature]);
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.folders.values()) watcher.close();
    this.folders.clear();
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
  }

  private onEvent(folder: string, name: string | Buffer | null): void {
    if (this.closed) return;
    const changed = name === null ? folder : join(folder, name.toString());
    const rel = relative(this.options.root, changed);
    if (rel.split(sep).some((part) => part.startsWith('.'))) return; // hidden entries are not part of the library (walk.ts)
    if (this.options.ignore?.(changed)) return;
    this.schedule();
  }

  private schedule(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.fire(), this.quietMs);
    this.maxTimer ??= setTimeout(() => this.fire(), this.maxDelayMs);
  }

  private fire(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.quietTimer = this.maxTimer = null;
    if (this.closed) return;
    // New folders get their watcher before the library is walked again, so that nothing written
    // into them after the walk is missed; the signature is renewed so the rescan does not report this burst twice.
    if (this.options.useEvents !== false) this.syncing = this.syncing.then(() => this.syncFolders());
    void this.syncing.then(() => {
      if (this.closed) return;
      this.signature = this.librarySignature();
      this.options.onChange();
    });
  }

  private async rescan(): Promise<void> {
    // A walk slower than the period (a large library on a slow network drive) is not started twice.
    if (this.closed || this.rescanning) return;
    this.rescanning = true;
    try {
      const before = await this.signature;
      const now = this.librarySignature();
      this.signature = now;
      if ((await now) !== before && !this.closed) this.schedule();
    } finally {
      this.rescanning = false;
    }
  }

  /** Watches every (non-hidden) folder below the root and forgets the ones that are gone. */
  private async syncFolders(): Promise<void> {
    const present = new Set<string>();
    const pending = [this.options.root];
    for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
      try {
        for await (const entry of await opendir(folder)) {
          if (entry.isDirectory() && !entry.name.startsWith('.')) pending.push(join(folder, entry.name));
        }
      } catch (error) {
        if (folder === this.options.root) this.options.onProblem?.(toErrorData(error));
        continue; // a folder removed while listing: its parent's event already scheduled a run
      }
      present.add(folder);
      if (!this.folders.has(folder) && !this.closed) this.watchFolder(folder);
    }
    for (const [folder, watcher] of this.folders) {
      if (!present.has(folder)) {
        watcher.close();
        this.folders.delete(folder);
      }
    }
  }

  private watchFolder(folder: string): void {
    try {
      const watcher = watch(folder, { persistent: this.options.keepProcessAlive === true }, (_event, name) =>
        this.onEvent(folder, name),
      );
      watcher.on('error', (error) => {
        // The folder went away (or the watch broke): drop it; the next sync adds it back if it returns.
        watcher.close();
        this.folders.delete(folder);
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onProblem?.(toErrorData(error));
        this.schedule();
      });
      this.folders.set(folder, watcher);
    } catch (error) {
      // ENOSPC (inotify table full) or EACCES: the periodic rescan still covers this folder.
      this.options.onProblem?.(toErrorData(error));
    }
  }

  /** A hash of path, size and mtime of every file, in walk order: equal signatures mean nothing to index. */
  private async librarySignature(): Promise<string> {
    if (this.rescanMs <= 0) return ''; // no rescan, no baseline to keep
    const hash = createHash('sha1');
    try {
      // Unreadable entries are the index job's to report (scan-problem events), not the watcher's.
      for await (const file of walkLibraryFiles(this.options.root, () => undefined)) {
        if (!this.options.ignore?.(file.absPath)) hash.update(`${file.relPath}\0${file.size}\0${file.mtimeMs}\n`);
      }
    } catch (error) {
      // The root is gone (unmounted drive): the index job decides what that means for the catalog.
      return `unavailable: ${toErrorData(error).message}`;
    }
    return hash.digest('hex');
  }
}
