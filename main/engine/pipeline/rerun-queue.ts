/**
 * Runs a job on request, one at a time: a request while a run is going on queues exactly one
 * more run after it (any number of requests collapse into that one), so changes that arrive
 * during an indexing run are indexed right after it, never concurrently.
 */
export interface RerunQueue {
  request(): void;
  /** Resolves when no run is going on or queued (a test's and a clean shutdown's wait). */
  idle(): Promise<void>;
  /** Drops a queued run; a run going on finishes. */
  close(): void;
}

export function rerunQueue(run: () => Promise<void>, onError: (error: unknown) => void): RerunQueue {
  let running: Promise<void> | null = null;
  let queued = false;
  let closed = false;
  const start = (): void => {
    queued = false;
    running = run()
      .catch(onError)
      .finally(() => {
        running = null;
        if (queued && !closed) start();
      });
  };
  return {
    request() {
      if (closed) return;
      if (running) queued = true;
      else start();
    },
    async idle() {
      while (running) await running;
    },
    close() {
      closed = true;
      queued = false;
    },
  };
}
