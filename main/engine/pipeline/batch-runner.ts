/**
 * The batch loop of the indexing job: feeds decoded images into batches, keeps at most
 * MAX_QUEUED_BATCHES at the inference worker, and saves each result batch in one transaction.
 */
import type { InferenceClient } from '../inference/inference-client.js';
import { FieldmarkError } from '../../util/errors.js';
import { loadImageForModel, type LoadedImage, type QueuedImage } from './image-loader.js';
import type { JobControl } from './job-control.js';
import { ProgressTracker } from './progress.js';
import type { IndexEvent } from './events.js';
import type { IndexJobOptions } from './index-job.js';
import { batchResults, type LoadedFailure, type LoadedOk } from './batch-results.js';

const MAX_QUEUED_BATCHES = 2;

/** Pulls images in queue order with a bounded number of loads in flight and hands them to the runner. */
export async function feedQueue(
  options: IndexJobOptions,
  queue: QueuedImage[],
  control: JobControl,
  runner: BatchRunner,
  onIdleWhilePaused: () => void,
): Promise<void> {
  const ahead = Math.max(1, options.decodeConcurrency ?? 2);
  const spec = options.model.metadata.preprocess;
  const inFlight: Promise<LoadedImage>[] = [];
  let next = 0;
  while (next < queue.length || inFlight.length > 0) {
    if (control.state === 'paused') {
      // Save what is decoded before waiting, so a pause never holds unsaved work.
      for (const pending of inFlight.splice(0)) await runner.add(await pending);
      await runner.flush();
      await runner.drain();
      if (control.state === 'paused') onIdleWhilePaused();
      await control.untilRunning();
    }
    if (control.state === 'cancelled') {
      for (const pending of inFlight.splice(0)) await runner.add(await pending);
      break;
    }
    while (inFlight.length < ahead && next < queue.length) {
      inFlight.push(loadImageForModel(options.libraryRoot, queue[next++]!, spec, options.maxPixels));
    }
    const loaded = await inFlight.shift()!;
    await runner.add(loaded);
  }
  await runner.flush();
}

/** Assembles batches, keeps at most MAX_QUEUED_BATCHES at the worker, and writes each result batch in one transaction. */
export class BatchRunner {
  readonly progress: ProgressTracker;
  private readonly batchSize: number;
  private readonly height: number;
  private readonly width: number;
  private readonly pixelsPerImage: number;
  private images: LoadedOk[] = [];
  private failures: LoadedFailure[] = [];
  private readonly queued: Promise<void>[] = [];
  private fatal: unknown = null;

  private client: InferenceClient | null = null;

  constructor(
    private readonly options: IndexJobOptions,
    private readonly clientStarting: Promise<InferenceClient>,
    private readonly modelRow: number,
    private readonly emit: (event: IndexEvent) => void,
    toProcess: number,
    private readonly total: number,
    private readonly jobState: () => 'running' | 'paused' | 'cancelled',
  ) {
    this.batchSize = options.batchSize;
    this.height = options.model.metadata.preprocess.input.height;
    this.width = options.model.metadata.preprocess.input.width;
    this.pixelsPerImage = 3 * this.height * this.width;
    this.progress = new ProgressTracker(toProcess, performance.now());
  }

  /** The worker, once its session is ready; announces the device and restarts the clock then. */
  private async readyClient(): Promise<InferenceClient> {
    if (this.client) return this.client;
    const client = await this.clientStarting;
    if (!this.client) {
      this.client = client;
      this.progress.restartClock(performance.now());
      this.emit({ type: 'started', toProcess: this.progress.toProcess, total: this.total, device: client.device });
      // A job cancelled while the session loaded has already said 'cancelled'; 'running' now would be its last word.
      if (this.jobState() !== 'cancelled') this.emit({ type: 'state', state: 'running' });
    }
    return client;
  }

  snapshot(state: 'running' | 'paused' | 'cancelled') {
    return {
      ...this.progress.snapshot(performance.now()),
      state: state === 'paused' ? ('paused' as const) : ('running' as const),
    };
  }

  async add(loaded: LoadedImage): Promise<void> {
    this.throwIfFailed();
    if (!loaded.ok) {
      this.failures.push(loaded);
      this.emit({
        type: 'image-error',
        imageId: loaded.image.id,
        relPath: loaded.image.relPath,
        kind: loaded.kind,
        message: loaded.message,
      });
      // Failures ride along with the next batch write; a long run of bad files is flushed on its own.
      if (this.failures.length >= this.batchSize && this.images.length === 0) this.writeBatch([], null);
      return;
    }
    this.images.push(loaded);
    if (this.images.length >= this.batchSize) await this.submit();
  }

  /** Sends the partial batch (if any) and writes pending failures. */
  async flush(): Promise<void> {
    if (this.images.length > 0) await this.submit();
    else if (this.failures.length > 0) {
      await this.drain();
      this.writeBatch([], null);
    }
  }

  async drain(): Promise<void> {
    await this.readyClient();
    await Promise.all(this.queued.splice(0));
    this.throwIfFailed();
  }

  private async submit(): Promise<void> {
    const batch = this.images;
    this.images = [];
    const client = await this.readyClient();
    while (this.queued.length >= MAX_QUEUED_BATCHES) await this.queued.shift();
    this.throwIfFailed();
    const input = new Float32Array(batch.length * this.pixelsPerImage);
    batch.forEach((item, i) => input.set(item.prepared.tensor, i * this.pixelsPerImage));
    // A failed run or a failed write (disk full, catalog busy) ends the job through `fatal`: the
    // completion itself must never reject, as nobody may be awaiting it at that moment.
    const completion = client
      .run(input, batch.length, this.height, this.width)
      .then((output) => this.writeBatch(batch, output))
      .catch((error: unknown) => {
        this.fatal ??= error;
      });
    this.queued.push(completion);
  }

  private throwIfFailed(): void {
    if (this.fatal)
      throw this.fatal instanceof Error ? this.fatal : new FieldmarkError('InferenceFailed', String(this.fatal));
  }

  private writeBatch(batch: LoadedOk[], output: { probabilities: Float32Array; features: Float32Array } | null): void {
    const failures = this.failures;
    this.failures = [];
    const { results, predictions, vectors, dim } = batchResults(
      batch,
      output,
      failures,
      this.options.model.metadata,
      this.options.topK,
    );
    this.options.catalog.writeResults(this.modelRow, results);
    this.progress.advance(results.length, failures.length, performance.now());
    if (predictions.length > 0) {
      this.emit({ type: 'predictions', items: predictions });
      this.emit({ type: 'features', imageIds: predictions.map((p) => p.imageId), dim, vectors });
    }
    // A batch saved while pausing still reports 'paused': the UI keeps its Resume button.
    this.emit({ type: 'progress', progress: this.snapshot(this.jobState()) });
  }
}
