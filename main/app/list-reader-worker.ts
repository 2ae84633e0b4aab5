/**
 * Entry of the list-reader thread (list-reader.ts): the grid's pages on a read-only connection of
 * their own, off the engine thread, so a page never waits behind a write transaction there
 * (a rescan's or a bulk label's).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Catalog } from '../engine/catalog/catalog.js';
import { toErrorData } from '../util/errors.js';
import { ImagePager } from './image-pager.js';
import type { ReaderReply, ReaderRequest } from './list-reader.js';

const port = parentPort;
if (!port) throw new Error('list-reader-worker.js must run in a worker thread (see list-reader.ts)');
const pager = new ImagePager(Catalog.open(String((workerData as { file: unknown }).file), { readonly: true }));

port.on('message', (request: ReaderRequest) => {
  let reply: ReaderReply;
  try {
    if (request.type === 'close') {
      pager.close();
      port.postMessage({ seq: request.seq, reply: { ok: true, value: null } } satisfies ReaderReply);
      port.close();
      return;
    }
    reply = { seq: request.seq, reply: { ok: true, value: pager.page(request.query, request.offset, request.limit) } };
  } catch (error) {
    reply = { seq: request.seq, reply: { ok: false, error: toErrorData(error) } };
  }
  port.postMessage(reply);
});
