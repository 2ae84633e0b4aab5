/**
 * Library in sync (issue 12): while a library is open, files added, changed, moved or deleted in
 * its folder are indexed without user action. The watcher reports bursts of changes; the queue
 * reruns the incremental indexing job (which only processes new and changed files, and marks
 * vanished ones missing) once per burst, after any run going on.
 */
import { watchLibrary, type LibraryWatcher } from '../engine/scan/library-watcher.js';
import { rerunQueue, type RerunQueue } from '../engine/pipeline/rerun-queue.js';
import { toErrorData, type ErrorData } from '../util/errors.js';

export interface LibrarySyncOptions {
  root: string;
  /** Events on the catalog and its -wal/-shm/-journal files are the app's own writes, not the user's. */
  catalogPath: string;
  /** Indexes what changed; resolves when that run has ended. */
  rerun: () => Promise<void>;
  onProblem: (problem: ErrorData) => void;
  rescanMs?: number;
  quietMs?: number;
}

export class LibrarySync {
  private watcher: LibraryWatcher | null = null;
  private readonly queue: RerunQueue;
  private closed = false;

  constructor(private readonly options: LibrarySyncOptions) {
    this.queue = rerunQueue(options.rerun, (error) => options.onProblem(toErrorData(error)));
  }

  /**
   * Starts watching (once; later calls do nothing) and resolves when every folder is watched, so
   * that a file added after this is seen by an event or by the indexing job started after it.
   * (The rescan's baseline is taken in the background: waiting for it would delay opening a large library.)
   */
  async start(): Promise<void> {
    if (this.watcher || this.closed) return;
    const { root, catalogPath, onProblem } = this.options;
    this.watcher = watchLibrary({
      root,
      onChange: () => this.queue.request(),
      onProblem,
      ignore: (path) => path.startsWith(catalogPath),
      ...(this.options.rescanMs === undefined ? {} : { rescanMs: this.options.rescanMs }),
      ...(this.options.quietMs === undefined ? {} : { quietMs: this.options.quietMs }),
    });
    await this.watcher.watching();
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.queue.close();
  }
}
