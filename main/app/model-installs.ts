/**
 * Runs model downloads and imports in worker threads and remembers their state for the models
 * page: downloading (with progress), failed (with the reason); cancel terminates the worker and
 * keeps the partial file, so the next download resumes it.
 */
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../util/code-layout.js';
import type { ModelImportReport } from '../contract/model-types.js';
import { FieldmarkError } from '../util/errors.js';
import type { InstallJob, InstallMessage } from './model-install-worker.js';

export interface InstallState {
  state: 'downloading' | 'failed';
  progress: { received: number; total: number | null } | null;
  error: string | null;
}

export class ModelInstalls {
  private readonly states = new Map<string, InstallState>();
  private readonly workers = new Map<string, Worker>();

  constructor(private readonly changed: () => void) {}

  stateOf(id: string): InstallState | undefined {
    return this.states.get(id);
  }

  /** Starts downloading registry model `id` (no-op while one runs); resolves when it ends. */
  download(id: string, env: NodeJS.ProcessEnv): Promise<void> {
    if (this.workers.has(id)) return Promise.resolve();
    this.states.set(id, { state: 'downloading', progress: { received: 0, total: null }, error: null });
    this.changed();
    return this.run(id, { op: 'download', id, env }).then(
      () => {
        this.states.delete(id);
        this.changed();
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof FieldmarkError && error.kind === 'Cancelled'))
          this.states.set(id, { state: 'failed', progress: null, error: message });
        else this.states.delete(id);
        this.changed();
      },
    );
  }

  /** Converts a checkpoint; @throws FieldmarkError with the converter's reason. */
  async import(path: string, like: string | undefined, env: NodeJS.ProcessEnv): Promise<ModelImportReport> {
    const done = await this.run(`import:${path}`, { op: 'import', path, like, env });
    this.changed();
    return { id: done.id, path: done.path, report: done.report };
  }

  cancel(id: string): void {
    const worker = this.workers.get(id);
    if (!worker) return;
    this.workers.delete(id);
    this.states.delete(id);
    void worker.terminate();
    this.changed();
  }

  async close(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private run(key: string, job: InstallJob): Promise<Extract<InstallMessage, { type: 'done' }>> {
    return new Promise((resolve, reject) => {
      const worker = startSiblingWorker(import.meta.url, 'model-install-worker', { workerData: job });
      this.workers.set(key, worker);
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        if (this.workers.get(key) === worker) this.workers.delete(key);
        void worker.terminate();
        action();
      };
      worker.on('message', (message: InstallMessage) => {
        switch (message.type) {
          case 'progress': {
            const state = this.states.get(key);
            if (state) {
              state.progress = { received: message.received, total: message.total };
              this.changed();
            }
            return;
          }
          case 'done':
            finish(() => resolve(message));
            return;
          case 'failed':
            finish(() => reject(new FieldmarkError(message.error.kind, message.error.message)));
            return;
          default:
            message satisfies never;
        }
      });
      worker.on('error', (error) => finish(() => reject(error)));
      worker.on('exit', () => finish(() => reject(new FieldmarkError('Cancelled', `${key}: cancelled`))));
    });
  }
}
