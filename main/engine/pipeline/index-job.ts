/**
 * The indexing job: scan the folder, then run every new or changed image through the model and
 * save probabilities and feature vectors.
 *
 * Flow: catalog queue → loader (2 images in flight: with sharp.concurrency(1) two decodes keep
 * both cores busy better than more libvips threads per image) → batches → inference worker (at
 * most 2 batches queued there: back-pressure) → one catalog transaction per batch. A kill at any
 * moment loses at most the batches not yet written; the next run redoes only those.
 */
import { availableParallelism } from 'node:os';
import type { Catalog, ImageResult } from '../catalog/index.js';
import { walkLibrary, reconcileScan, sha256File } from '../scan/index.js';
import { InferenceClient } from '../inference/inference-client.js';
import { topK, l2NormalizedRow } from '../inference/postprocess.js';
import type { DeviceRequest } from '../inference/execution-providers.js';
import { FieldmarkError, toErrorData } from '../../util/errors.js';
import type { ModelMetadata } from '../../zoo/model-metadata.js';
import { loadImageForModel, type LoadedImage, type QueuedImage } from './image-loader.js';
import { JobControl } from './job-control.js';
import { ProgressTracker } from './progress.js';
import type { IndexEvent, IndexSummary, PredictionItem } from './events.js';

export interface IndexJobOptions {
  catalog: Catalog;
  libraryId: number;
  libraryRoot: string;
  model: { path: string; metadata: ModelMetadata };
  device: DeviceRequest;
  batchSize: number;
  threads?: number;
  topK: number;
  /** Images decoded ahead of the model; 2 suits two cores. */
  decodeConcurrency?: number;
  maxPixels?: number;
  /** Try files that failed before again (e.g. after a decoder upgrade) instead of skipping them. */
  retryFailed?: boolean;
  /** A batch taking longer fails the job with Timeout (default: InferenceClient's DEFAULT_BATCH_TIMEOUT_MS). */
  batchTimeoutMs?: number;
}

export interface IndexJob {
  pause(): void;
  resume(): void;
  cancel(): void;
  readonly done: Promise<IndexSummary>;
  readonly modelRowId: Promise<number>;
}

const MAX_QUEUED_BATCHES = 2;

export function startIndexJob(options: IndexJobOptions, onEvent: (event: IndexEvent) => void): IndexJob {
  const control = new JobControl();
  let resolveModelRow!: (id: number) => void;
  let rejectModelRow!: (error: unknown) => void;
  const modelRowId = new Promise<number>((resolve, reject) => {
    resolveModelRow = resolve;
    rejectModelRow = reject;
  });
  modelRowId.catch(() => undefined); // observed through `done` as well
  const done = runIndexJob(options, onEvent, control, resolveModelRow).catch((error: unknown) => {
    rejectModelRow(error);
    onEvent({ type: 'state', state: 'failed', message: toErrorData(error).message });
    throw error;
  });
  return {
    pause: () => control.pause(),
    resume: () => control.resume(),
    cancel: () => control.cancel(),
    done,
    modelRowId,
  };
}

async function runIndexJob(
  options: IndexJobOptions,
  emit: (event: IndexEvent) => void,
  control: JobControl,
  announceModelRow: (id: number) => void,
): Promise<IndexSummary> {
  const { catalog, libraryId, libraryRoot, model } = options;
  const unreadable: string[] = [];
  const walked = await walkLibrary(libraryRoot, (problem) => {
    unreadable.push(problem.relPath);
    emit({ type: 'scan-problem', path: problem.relPath, kind: problem.kind, message: problem.message });
  });
  // Files under an unreadable folder are kept, not deleted: an unmounted or locked folder must not empty the catalog.
  const scan = await reconcileScan(catalog, libraryId, walked, { unreadable });
  if (options.retryFailed) catalog.retryFailed(libraryId);
  const modelRow = catalog.ensureModel({
    id: model.metadata.id,
    fileSha256: await sha256OfModel(model.path),
    metadataJson: JSON.stringify(model.metadata),
    classCount: model.metadata.classNames.length,
    featureDim: model.metadata.featureDim,
  });
  announceModelRow(modelRow);
  const total = catalog.stats(libraryId, modelRow).total;
  emit({ type: 'scan', summary: scan, total });

  const queue: QueuedImage[] = catalog
    .imagesToProcess(libraryId, modelRow)
    .map((row) => ({ id: row.id, relPath: row.relPath }));
  const skipped = total - queue.length;
  // Read through a call, so that TypeScript does not carry the narrowing of one check past an await.
  const jobState = () => control.state;
  // A cancel during the scan came before anyone listened to `control`: announce it here, and
  // do not load the model for nothing.
  if (jobState() === 'cancelled') {
    emit({ type: 'state', state: 'cancelled' });
    return { total, processed: 0, skipped, failed: 0, imagesPerSecond: 0, device: 'none', cancelled: true };
  }
  if (queue.length === 0) {
    emit({
      type: 'started',
      toProcess: 0,
      total,
      device: { provider: 'none', requested: options.device, notes: ['nothing to process'] },
    });
    emit({ type: 'state', state: 'finished' });
    return { total, processed: 0, skipped, failed: 0, imagesPerSecond: 0, device: 'none', cancelled: false };
  }

  const threads = options.threads ?? availableParallelism();
  const { height, width } = model.metadata.preprocess.input;
  // The session loads (and warms up) while the first images decode; the clock starts when it is ready.
  const clientStarting = InferenceClient.start({
    modelPath: model.path,
    device: options.device,
    threads,
    inputHeight: height,
    inputWidth: width,
    ...(options.batchTimeoutMs === undefined ? {} : { batchTimeoutMs: options.batchTimeoutMs }),
  });
  clientStarting.catch(() => undefined); // awaited below; this only marks it handled while decoding runs
  const runner = new BatchRunner(options, clientStarting, modelRow, emit, queue.length, total, jobState);
  // Set when the job has said its last word: a later cancel (closing a library whose job has just
  // finished or failed) must not announce 'cancelled' after 'finished' or 'failed'.
  let ended = false;
  // 'paused' is announced by the feed loop once the work in flight is saved; 'running' and 'cancelled' at once.
  control.onChange((state) => {
    if (state === 'paused' || ended) return;
    runner.progress.resume(performance.now());
    if (state === 'running') emit({ type: 'progress', progress: runner.snapshot(state) });
    emit({ type: 'state', state });
  });
  const onIdleWhilePaused = () => {
    runner.progress.pause(performance.now());
    emit({ type: 'progress', progress: runner.snapshot('paused') });
    emit({ type: 'state', state: 'paused' });
  };
  try {
    await feedQueue(options, queue, control, runner, onIdleWhilePaused);
    await runner.drain();
    const client = await clientStarting;
    ended = true;
    const cancelled = control.state === 'cancelled';
    emit({ type: 'progress', progress: runner.snapshot('running') });
    if (!cancelled) emit({ type: 'state', state: 'finished' });
    return {
      total,
      processed: runner.progress.done,
      skipped,
      failed: runner.progress.failed,
      imagesPerSecond: runner.progress.overallRate(performance.now()),
      device: client.device.provider,
      cancelled,
    };
  } finally {
    ended = true;
    await clientStarting.then(
      (client) => client.close(),
      () => undefined, // its failure is what `done` rejects with
    );
  }
}

/** Pulls images in queue order with a bounded number of loads in flight and hands them to the runner. */
async function feedQueue(
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
class BatchRunner {
  readonly progress: ProgressTracker;
  private readonly batchSize: number;
  private readonly height: number;
  private readonly width: number;
  private readonly pixelsPerImage: number;
  private images: Extract<LoadedImage, { ok: true }>[] = [];
  private failures: Extract<LoadedImage, { ok: false }>[] = [];
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

  private writeBatch(
    batch: Extract<LoadedImage, { ok: true }>[],
    output: { probabilities: Float32Array; features: Float32Array } | null,
  ): void {
    const failures = this.failures;
    this.failures = [];
    const classCount = this.options.model.metadata.classNames.length;
    const dim = this.options.model.metadata.featureDim;
    const results: ImageResult[] = [];
    const predictions: PredictionItem[] = [];
    const vectors = new Float32Array(batch.length * dim);
    batch.forEach((item, row) => {
      const topk = topK(output!.probabilities, row, classCount, this.options.topK);
      const feature = l2NormalizedRow(output!.features, row, dim);
      vectors.set(feature, row * dim);
      const { prepared } = item;
      results.push({
        imageId: item.image.id,
        ok: true,
        fingerprint: item.fingerprint,
        width: prepared.width,
        height: prepared.height,
        orientation: prepared.orientation,
        format: prepared.format,
        takenAt: prepared.exif.takenAt,
        camera: prepared.exif.camera,
        topk,
        feature,
      });
      predictions.push({ imageId: item.image.id, relPath: item.image.relPath, topk });
    });
    for (const failure of failures) {
      results.push({
        imageId: failure.image.id,
        ok: false,
        fingerprint: failure.fingerprint,
        errorKind: failure.kind,
        errorMessage: failure.message,
      });
    }
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

async function sha256OfModel(path: string): Promise<string> {
  try {
    return await sha256File(path);
  } catch (error) {
    throw new FieldmarkError('ModelMissing', `cannot read model file ${path}: ${toErrorData(error).message}`);
  }
}
