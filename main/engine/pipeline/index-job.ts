/**
 * The indexing job: scan the folder, then run every new or changed image through the model and
 * save probabilities and feature vectors.
 *
 * Flow: catalog queue → loader (2 images in flight: with sharp.concurrency(1) two decodes keep
 * both cores busy better than more libvips threads per image) → batches → inference worker (at
 * most 2 batches queued there: back-pressure) → one catalog transaction per batch. A kill at any
 * moment loses at most the batches not yet written; the next run redoes only those.
 *
 * Stages: index-scan.ts (walk, reconcile, model row), batch-runner.ts (the load/batch/infer loop),
 * batch-results.ts (one batch's catalog rows and events); this file runs them and owns the job's state.
 */
import { availableParallelism } from 'node:os';
import type { Catalog } from '../catalog/index.js';
import { InferenceClient } from '../inference/inference-client.js';
import type { DeviceRequest } from '../inference/execution-providers.js';
import { toErrorData } from '../../util/errors.js';
import type { ModelMetadata } from '../../zoo/onnx/model-metadata.js';
import { JobControl } from './job-control.js';
import type { IndexEvent, IndexSummary } from './events.js';
import { scanForIndexJob } from './index-scan.js';
import { BatchRunner, feedQueue } from './batch-runner.js';

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
  const { model } = options;
  const { modelRow, total, queue } = await scanForIndexJob(options, emit, announceModelRow);
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
