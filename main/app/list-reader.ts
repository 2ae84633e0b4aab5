/**
 * The grid's list pages in a thread of their own (issue 12): a worker with a read-only catalog
 * connection and the index-walk pages of image-pager.ts. WAL lets it read while the engine thread
 * writes, so a page never waits for a write transaction. Where the thread cannot start (or dies),
 * pages fall back to an in-thread pager, and the reason is reported once.
 */
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../util/code-layout.js';
import type { Reply } from '../contract/types.js';
import type { ListImagesQuery } from '../engine/catalog/types.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import type { ImagePager, ListPage } from './image-pager.js';

export type ReaderRequest =
  | { type: 'page'; seq: number; query: ListImagesQuery; offset: number; limit: number }
  | { type: 'close'; seq: number };
export interface ReaderReply {
  seq: number;
  reply: Reply<ListPage | null>;
}

export class ListReader {
  private worker: Worker | null;
  private nextSeq = 1;
  private readonly waiting = new Map<number, (reply: Reply<ListPage | null>) => void>();

  /** `fallback` answers when the thread is gone; `onProblem` hears why, once. */
  constructor(
    file: string,
    private readonly fallback: ImagePager,
    private readonly onProblem: (message: string) => void,
  ) {
    this.worker = startSiblingWorker(import.meta.url, 'list-reader-worker', { workerData: { file } });
    this.worker.on('message', (message: ReaderReply) => {
      const resolve = this.waiting.get(message.seq);
      this.waiting.delete(message.seq);
      resolve?.(message.reply);
    });
    this.worker.on('error', (error) => this.gone(`the list reader failed: ${toErrorData(error).message}`));
    this.worker.on('exit', (code) => this.gone(`the list reader exited with code ${code}`));
  }

  /** One page, from the reader thread (or the fallback). @throws FieldmarkError InvalidArgument as the catalog does */
  async page(query: ListImagesQuery, offset: number, limit: number): Promise<ListPage> {
    const worker = this.worker;
    if (!worker) return this.fallback.page(query, offset, limit);
    const reply = await this.ask(worker, (seq) => ({ type: 'page', seq, query, offset, limit }));
    if (!reply.ok) {
      // The thread ended while this page waited: answer it here instead.
      if (reply.error.kind === 'Cancelled' && !this.worker) return this.fallback.page(query, offset, limit);
      throw new FieldmarkError(reply.error.kind, reply.error.message);
    }
    return reply.value as ListPage;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.ask(worker, (seq) => ({ type: 'close', seq }));
    this.worker = null;
    await worker.terminate();
  }

  private ask(worker: Worker, make: (seq: number) => ReaderRequest): Promise<Reply<ListPage | null>> {
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      worker.postMessage(make(seq));
    });
  }

  private gone(reason: string): void {
    if (!this.worker) return; // closed on purpose
    this.worker = null;
    this.onProblem(`${reason}; list pages are read on the engine thread from now on`);
    for (const resolve of this.waiting.values()) resolve({ ok: false, error: { kind: 'Cancelled', message: reason } });
    this.waiting.clear();
  }
}
