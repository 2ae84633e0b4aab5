/**
 * The handle the app holds on its similarity worker: every search, grouping and projection runs
 * in that thread, never on the thread that serves the UI or the WebSocket. Feature batches from
 * the indexing job are forwarded to it so the index grows as features arrive.
 */
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../util/code-layout.js';
import { FieldmarkError } from '../../util/errors.js';
import type { DuplicateGroup } from './duplicates.js';
import type { SimilarAnswer, SimilarQuery } from './similarity-core.js';
import type {
  EngineStatus,
  OpenParams,
  ProjectionReply,
  SimilarityReply,
  SimilarityRequest,
} from './worker-protocol.js';

type Request = SimilarityRequest extends infer R ? (R extends { seq: number } ? Omit<R, 'seq'> : never) : never;

interface Pending {
  resolve: (reply: SimilarityReply) => void;
  reject: (error: Error) => void;
}

/** Long enough for a UMAP of 5k points on a busy 2-core machine; a hung worker still fails the call. */
const CALL_TIMEOUT_MS = 10 * 60_000;

export class SimilarityEngine {
  private readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly log: (message: string) => void,
  ) {
    worker.on('message', (reply: SimilarityReply) => this.onReply(reply));
    worker.on('error', (error) =>
      this.failAll(new FieldmarkError('Internal', `similarity worker crashed: ${error.message}`)),
    );
    worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new FieldmarkError('Internal', `similarity worker exited (code ${code})`));
    });
  }

  /** Starts the worker and loads the library's vectors of one model. @throws FieldmarkError NotFound / CatalogCorrupt */
  static async open(params: OpenParams, log: (message: string) => void = () => undefined): Promise<SimilarityEngine> {
    const worker = startSiblingWorker(import.meta.url, 'similarity-worker');
    const engine = new SimilarityEngine(worker, log);
    try {
      await engine.call({ type: 'open', params });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return engine;
  }

  /** Forwards new feature vectors (copied: the caller's arrays stay usable). */
  add(imageIds: ArrayLike<number>, vectors: Float32Array): void {
    if (this.exited) return;
    const message: SimilarityRequest = { type: 'add', imageIds: Int32Array.from(imageIds), vectors: vectors.slice() };
    this.worker.postMessage(message, [message.imageIds.buffer as ArrayBuffer, message.vectors.buffer as ArrayBuffer]);
  }

  async search(query: SimilarQuery): Promise<SimilarAnswer> {
    const reply = await this.call({ type: 'search', query });
    if (reply.type !== 'search') throw unexpected(reply);
    return { neighbours: reply.neighbours, method: reply.method, searched: reply.searched };
  }

  async duplicates(threshold: number): Promise<DuplicateGroup[]> {
    const reply = await this.call({ type: 'duplicates', threshold });
    if (reply.type !== 'duplicates') throw unexpected(reply);
    return reply.groups;
  }

  async projection(kind: 'pca' | 'umap'): Promise<ProjectionReply> {
    const reply = await this.call({ type: 'projection', kind });
    if (reply.type !== 'projection') throw unexpected(reply);
    return reply.projection;
  }

  async status(): Promise<EngineStatus> {
    const reply = await this.call({ type: 'status' });
    if (reply.type !== 'ok') throw unexpected(reply);
    return reply.value;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.call({ type: 'close' }).catch((error: unknown) =>
      this.log(`fieldmark: closing the similarity worker: ${(error as Error).message}`),
    );
    const timeout = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(timeout);
  }

  private call(request: Request): Promise<SimilarityReply> {
    if (this.exited) return Promise.reject(new FieldmarkError('Internal', 'the similarity worker has exited'));
    const seq = this.nextSeq++;
    return new Promise<SimilarityReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(
          new FieldmarkError(
            'Timeout',
            `similarity ${request.type}: no answer from the worker within ${CALL_TIMEOUT_MS / 1000} s`,
          ),
        );
      }, CALL_TIMEOUT_MS);
      timer.unref();
      this.pending.set(seq, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.worker.postMessage({ ...request, seq } as SimilarityRequest);
    });
  }

  private onReply(reply: SimilarityReply): void {
    if (reply.type === 'log') {
      this.log(reply.message);
      return;
    }
    const pending = this.pending.get(reply.seq);
    if (!pending) return;
    this.pending.delete(reply.seq);
    if (reply.type === 'failed') pending.reject(new FieldmarkError(reply.error.kind, reply.error.message));
    else pending.resolve(reply);
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

function unexpected(reply: SimilarityReply): FieldmarkError {
  return new FieldmarkError('Internal', `similarity worker: unexpected reply ${reply.type}`);
}
