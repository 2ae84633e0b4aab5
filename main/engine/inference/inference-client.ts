/**
 * The pipeline's handle on its inference worker thread: starts it, picks the execution provider,
 * and runs batches with transferred (not copied) tensors.
 */
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../util/code-layout.js';
import { FieldmarkError } from '../../util/errors.js';
import { planProviders, currentPlatformFacts, type DeviceRequest, type ProviderName } from './execution-providers.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

export interface DeviceReport {
  provider: ProviderName;
  requested: DeviceRequest;
  /** Why other providers were skipped or failed, one line each. */
  notes: string[];
}

export interface BatchOutput {
  probabilities: Float32Array;
  features: Float32Array;
  runMs: number;
}

interface Pending {
  resolve: (output: BatchOutput) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * How long one batch (or the session's start) may take before the run is declared hung. Generous:
 * a batch of 256 ResNet-152 images at 448 px on a slow CPU takes minutes, not ten (issue 12).
 */
export const DEFAULT_BATCH_TIMEOUT_MS = 10 * 60 * 1000;
export const DEFAULT_START_TIMEOUT_MS = 10 * 60 * 1000;

export interface InferenceClientOptions {
  modelPath: string;
  device: DeviceRequest;
  threads: number;
  inputHeight: number;
  inputWidth: number;
  /** A batch that takes longer fails with Timeout and the worker is abandoned (default DEFAULT_BATCH_TIMEOUT_MS). */
  batchTimeoutMs?: number;
  /** Loading and warming up the session (default DEFAULT_START_TIMEOUT_MS). */
  startTimeoutMs?: number;
}

export class InferenceClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  private closed = false;
  /** Set once the thread is gone (crashed, terminated, or closed): nothing posted to it is answered then. */
  private exited = false;
  /** Set when a hung batch made the client give up on its worker (see abandon). */
  private abandoned = false;
  private readonly workerExit: Promise<void>;
  readonly device: DeviceReport;
  readonly classCount: number;
  readonly featureDim: number;

  private constructor(
    worker: Worker,
    device: DeviceReport,
    classCount: number,
    featureDim: number,
    private readonly batchTimeoutMs: number,
  ) {
    this.worker = worker;
    this.workerExit = new Promise((resolve) => worker.once('exit', () => resolve()));
    this.device = device;
    this.classCount = classCount;
    this.featureDim = featureDim;
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (error) =>
      this.failAll(new FieldmarkError('InferenceFailed', `inference worker crashed: ${error.message}`)),
    );
    worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closed)
        this.failAll(new FieldmarkError('InferenceFailed', `inference worker exited with code ${code}`));
    });
  }

  /**
   * Starts a worker and creates the session with the first provider that works.
   * @throws FieldmarkError ModelInvalid when no provider can load the model, InvalidArgument for --device gpu without a GPU provider
   */
  static async start(options: InferenceClientOptions): Promise<InferenceClient> {
    const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const plan = planProviders(options.device, currentPlatformFacts());
    if (plan.candidates.length === 0) {
      throw new FieldmarkError(
        'InvalidArgument',
        `--device gpu: no GPU execution provider is available here (${plan.skipped.join('; ')})`,
      );
    }
    const worker = startSiblingWorker(import.meta.url, 'inference-worker');
    const init: WorkerRequest = {
      type: 'init',
      modelPath: options.modelPath,
      candidates: plan.candidates,
      threads: options.threads,
      inputHeight: options.inputHeight,
      inputWidth: options.inputWidth,
    };
    let startTimer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const ready = await new Promise<WorkerReply>((resolve, reject) => {
      // A session that becomes ready after the timeout is not used: the worker was told to close.
      worker.once('message', (reply: WorkerReply) => (timedOut ? undefined : resolve(reply)));
      worker.once('error', reject);
      // A worker that dies without an 'error' (killed, process.exit) would otherwise leave this waiting forever.
      worker.once('exit', (code) =>
        reject(
          new FieldmarkError(
            'InferenceFailed',
            `inference worker exited with code ${code} before its session was ready`,
          ),
        ),
      );
      startTimer = setTimeout(() => {
        const error = new FieldmarkError(
          'Timeout',
          `the model ${options.modelPath} did not load within ${formatSeconds(startTimeoutMs)}; the run was stopped`,
        );
        timedOut = true;
        const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        abandonWorker(worker);
        reject(error);
        // Keeps the process alive a moment, so that a session still loading can end before it exits.
        void settleWithin(exit, ABANDON_WAIT_MS);
      }, startTimeoutMs);
      worker.postMessage(init);
    }).finally(() => clearTimeout(startTimer));
    if (ready.type !== 'ready') {
      await worker.terminate();
      const message = ready.type === 'init-failed' ? ready.error.message : `unexpected reply ${ready.type}`;
      throw new FieldmarkError(options.device === 'gpu' ? 'InvalidArgument' : 'ModelInvalid', message);
    }
    const notes = [...plan.skipped, ...ready.failures.map((f) => `${f} (fell back)`)];
    return new InferenceClient(
      worker,
      { provider: ready.provider, requested: options.device, notes },
      ready.classCount,
      ready.featureDim,
      options.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS,
    );
  }

  /** Runs one batch; `input` is transferred to the worker and unusable afterwards. */
  run(input: Float32Array, count: number, height: number, width: number): Promise<BatchOutput> {
    if (this.closed) return Promise.reject(new FieldmarkError('Cancelled', 'inference worker is closed'));
    if (this.exited) return Promise.reject(new FieldmarkError('InferenceFailed', 'inference worker has exited'));
    const seq = this.nextSeq++;
    return new Promise<BatchOutput>((resolve, reject) => {
      // onnxruntime's run() cannot be interrupted: a hung batch abandons the whole worker, so the
      // job fails with an error instead of waiting forever (a stuck UI).
      const timer = setTimeout(() => {
        this.abandon(
          new FieldmarkError(
            'Timeout',
            `inference of a batch of ${count} images did not finish within ${formatSeconds(this.batchTimeoutMs)}; the model may hang; the run was stopped`,
          ),
        );
      }, this.batchTimeoutMs);
      this.pending.set(seq, { resolve, reject, timer });
      const request: WorkerRequest = { type: 'run', seq, count, height, width, input };
      this.worker.postMessage(request, [input.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A batch that timed out may still be running: give it a moment to end (the worker then closes itself).
    if (this.abandoned) await settleWithin(this.workerExit, ABANDON_WAIT_MS);
    // A worker that already exited (it crashed) sends no second 'exit': waiting for one would hang.
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
      const timeout = setTimeout(() => void this.worker.terminate(), 5000);
      await exited;
      clearTimeout(timeout);
    }
    this.failAll(new FieldmarkError('Cancelled', 'inference worker closed'));
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type !== 'result' && reply.type !== 'run-failed') return;
    const pending = this.pending.get(reply.seq);
    if (!pending) return;
    this.pending.delete(reply.seq);
    clearTimeout(pending.timer);
    if (reply.type === 'result')
      pending.resolve({ probabilities: reply.probabilities, features: reply.features, runMs: reply.runMs });
    else pending.reject(new FieldmarkError(reply.error.kind, reply.error.message));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }

  /** Gives up on a hung worker: every pending batch fails with `error`, and the thread no longer keeps the process alive. */
  private abandon(error: FieldmarkError): void {
    this.exited = true;
    this.abandoned = true;
    this.failAll(error);
    abandonWorker(this.worker);
  }
}

/**
 * How long closing waits for an abandoned worker's stuck call to end. The process exiting while
 * onnxruntime is inside a call aborts it, so a call that ends soon is waited for; a truly hung one is not.
 */
const ABANDON_WAIT_MS = 5000;

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    // Not unref'd: this timer is what keeps the process alive while the abandoned worker finishes.
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, elapsed]).finally(() => clearTimeout(timer));
}

function abandonWorker(worker: Worker): void {
  // terminate() during a native onnxruntime call aborts the whole process when the call returns
  // (Napi::Error); instead the worker is asked to close after the call it is stuck in, and
  // unref() lets the process exit meanwhile.
  worker.unref();
  worker.postMessage({ type: 'close' } satisfies WorkerRequest);
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(0)} s` : `${ms} ms`;
}
