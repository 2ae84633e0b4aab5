/**
 * `fieldmark classify --watch`: keep indexing what changes in the folder (library-watcher.ts)
 * until SIGINT/SIGTERM. The watch starts before the first run, so nothing added while that run
 * walks the folder is missed: changes seen during it are held and indexed right after it. Each
 * burst of changes reruns the incremental job, which prints result lines and a summary like the first run.
 */
import { watchLibrary } from '../../engine/scan/library-watcher.js';
import { rerunQueue } from '../../engine/pipeline/rerun-queue.js';
import { EXIT_OK } from '../context.js';

export interface ClassifyWatchOptions {
  root: string;
  catalogPath: string;
  signal: AbortSignal;
  /** One incremental run; a rejection ends the watch with that error. */
  rerun: () => Promise<void>;
  /** A line for the user (stderr). */
  note: (text: string) => void;
}

export interface ClassifyWatch {
  /** Call after the first run: resolves with the exit code when the signal aborts; rejects with the error of a failed run. */
  follow(): Promise<number>;
  /** Stops watching (idempotent); a run going on finishes. */
  close(): Promise<void>;
}

/** Starts watching and resolves once every folder is watched and the rescan baseline is taken. */
export async function startClassifyWatch(options: ClassifyWatchOptions): Promise<ClassifyWatch> {
  const { root, catalogPath, signal, note } = options;
  let failure: { error: unknown } | null = null;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signal.addEventListener('abort', () => stop(), { once: true });
  let held: boolean | null = false; // null once the first run is over: requests go straight to the queue
  const queue = rerunQueue(
    async () => {
      if (!signal.aborted) await options.rerun();
    },
    (error) => {
      failure = { error };
      stop();
    },
  );
  const watcher = watchLibrary({
    root,
    onChange: () => (held === null ? queue.request() : (held = true)),
    onProblem: (problem) => note(`warning: watching ${root}: ${problem.message} (${problem.kind})`),
    ignore: (path) => path.startsWith(catalogPath),
    keepProcessAlive: true,
  });
  await watcher.ready();
  const close = async () => {
    watcher.close();
    queue.close();
    await queue.idle(); // a run going on was cancelled by the signal; let it save what it has
  };
  return {
    async follow() {
      if (signal.aborted) return EXIT_OK;
      if (held === true) queue.request();
      held = null;
      note(`watching ${root} for changes (Ctrl+C to stop)`);
      try {
        await stopped;
      } finally {
        await close();
      }
      if (failure) throw (failure as { error: unknown }).error;
      return EXIT_OK;
    },
    close,
  };
}
