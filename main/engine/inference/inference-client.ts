/**
 * The pipeline's handle on its inference worker thread: starts it, picks the execution provider,
 * and runs batches with transferred (not copied) tensors.
 */
import { Worker } from 'node:worker_threads';
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
}

export class InferenceClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  private closed = false;
  /** Set once the thread is gone (crashed, terminated, or closed): nothing posted to it is answered then. */
  private exited = false;
  readonly device: DeviceReport;
  readonly classCount: number;
  readonly featureDim: number;

  private constructor(worker: Worker, device: DeviceReport, classCount: number, featureDim: number) {
    this.worker = worker;
    this.device = device;
    this.classCount = classCount;
    this.featureDim = featureDim;
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (error) => this.failAll(new FieldmarkError('InferenceFailed', `inference worker crashed: ${error.message}`)));
    worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closed) this.failAll(new FieldmarkError('InferenceFailed', `inference worker exited with code ${code}`));
    });
  }

  /**
   * Starts a worker and creates the session with the first provider that works.
   * @throws FieldmarkError ModelInvalid when no provider can load the model, InvalidArgument for --device gpu without a GPU provider
   */
  static async start(options: { modelPath: string; device: DeviceRequest; threads: number; inputHeight: number; inputWidth: number }): Promise<InferenceClient> {
    const plan = planProviders(options.device, currentPlatformFacts());
    if (plan.candidates.length === 0) {
      throw new FieldmarkError('InvalidArgument', `--device gpu: no GPU execution provider is available here (${plan.skipped.join('; ')})`);
    }
    const worker = new Worker(new URL('./inference-worker.js', import.meta.url));
    const init: WorkerRequest = {
      type: 'init',
      modelPath: options.modelPath,
      candidates: plan.candidates,
      threads: options.threads,
      inputHeight: options.inputHeight,
      inputWidth: options.inputWidth,
    };
    const ready = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      // A worker that dies without an 'error' (killed, process.exit) would otherwise leave this waiting forever.
      worker.once('exit', (code) => reject(new FieldmarkError('InferenceFailed', `inference worker exited with code ${code} before its session was ready`)));
      worker.postMessage(init);
    });
    if (ready.type !== 'ready') {
      await worker.terminate();
      const message = ready.type === 'init-failed' ? ready.error.message : `unexpected reply ${ready.type}`;
      throw new FieldmarkError(options.device === 'gpu' ? 'InvalidArgument' : 'ModelInvalid', message);
    }
    const notes = [...plan.skipped, ...ready.failures.map((f) => `${f} (fell back)`)];
    return new InferenceClient(worker, { provider: ready.provider, requested: options.device, notes }, ready.classCount, ready.featureDim);
  }

  /** Runs one batch; `input` is transferred to the worker and unusable afterwards. */
  run(input: Float32Array, count: number, height: number, width: number): Promise<BatchOutput> {
    if (this.closed) return Promise.reject(new FieldmarkError('Cancelled', 'inference worker is closed'));
    if (this.exited) return Promise.reject(new FieldmarkError('InferenceFailed', 'inference worker has exited'));
    const seq = this.nextSeq++;
    return new Promise<BatchOutput>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      const request: WorkerRequest = { type: 'run', seq, count, height, width, input };
      this.worker.postMessage(request, [input.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
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
    if (reply.type === 'result') pending.resolve({ probabilities: reply.probabilities, features: reply.features, runMs: reply.runMs });
    else pending.reject(new FieldmarkError(reply.error.kind, reply.error.message));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
