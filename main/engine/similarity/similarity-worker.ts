/**
 * The similarity worker thread: owns a read-only catalog connection and a SimilarityCore, builds
 * the HNSW index in the background between requests, and answers requests in order.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { Catalog } from '../catalog/index.js';
import { FieldmarkError, toErrorData } from '../../util/errors.js';
import { SimilarityCore, similarityFilePrefix } from './similarity-core.js';
import type { SimilarityReply, SimilarityRequest } from './worker-protocol.js';

function workerPort(): MessagePort {
  if (!parentPort) throw new Error('similarity-worker.js must run in a worker thread');
  return parentPort;
}
const port = workerPort();

let catalog: Catalog | null = null;
let core: SimilarityCore | null = null;
let building = false;

const reply = (message: SimilarityReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
const yieldToQueue = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Adds index rows a chunk at a time, so queued requests run between chunks. */
function scheduleIndexing(): void {
  if (building || !core?.indexBehind) return;
  building = true;
  const step = (): void => {
    try {
      if (core?.indexStep()) {
        setImmediate(step);
        return;
      }
    } catch (error) {
      reply({ type: 'log', message: `fieldmark: building the similarity index failed: ${toErrorData(error).message}` });
    }
    building = false;
  };
  setImmediate(step);
}

function requireCore(): SimilarityCore {
  if (!core) throw new FieldmarkError('InvalidArgument', 'similarity engine: no library is open in the worker');
  return core;
}

async function handle(request: SimilarityRequest): Promise<void> {
  switch (request.type) {
    case 'open': {
      catalog?.close();
      const { params } = request;
      catalog = Catalog.open(params.catalogPath, { readonly: true });
      core = new SimilarityCore({
        catalog,
        libraryId: params.libraryId,
        modelRowId: params.modelRowId,
        savePrefix: params.persist ? similarityFilePrefix(params.catalogPath, params.modelRowId) : null,
        ...(params.approximateMin === undefined ? {} : { approximateMin: params.approximateMin }),
      });
      reply({ type: 'ok', seq: request.seq, value: status(core) });
      scheduleIndexing();
      return;
    }
    case 'add':
      requireCore().add(request.imageIds, request.vectors);
      scheduleIndexing();
      return;
    case 'search': {
      const answer = requireCore().search(request.query);
      reply({ type: 'search', seq: request.seq, ...answer });
      return;
    }
    case 'duplicates':
      reply({ type: 'duplicates', seq: request.seq, groups: requireCore().duplicates(request.threshold) });
      return;
    case 'projection': {
      const c = requireCore();
      const projection = request.kind === 'pca' ? c.pca() : await c.umap(yieldToQueue);
      const xy = projection.xy.slice();
      const imageIds = projection.imageIds.slice();
      reply({ type: 'projection', seq: request.seq, projection: { kind: projection.kind, imageIds, xy } }, [
        xy.buffer,
        imageIds.buffer,
      ]);
      return;
    }
    case 'status':
      reply({ type: 'ok', seq: request.seq, value: status(requireCore()) });
      return;
    case 'close':
      catalog?.close();
      catalog = null;
      core = null;
      reply({ type: 'ok', seq: request.seq, value: { vectors: 0, indexed: 0, dim: 0 } });
      port.close();
      return;
    default:
      request satisfies never;
  }
}

function status(c: SimilarityCore) {
  return { vectors: c.store.size, indexed: c.indexedCount, dim: c.store.dim };
}

async function run(request: SimilarityRequest): Promise<void> {
  try {
    await handle(request);
  } catch (error) {
    if ('seq' in request) reply({ type: 'failed', seq: request.seq, error: toErrorData(error) });
    else reply({ type: 'log', message: `fieldmark: similarity ${request.type} failed: ${toErrorData(error).message}` });
  }
}

// Requests run one at a time in arrival order, except a UMAP run: it takes seconds and yields
// between epochs, so searches keep being answered while it runs (it works on its own copies).
let chain: Promise<void> = Promise.resolve();
port.on('message', (request: SimilarityRequest) => {
  if (request.type === 'projection' && request.kind === 'umap') {
    void run(request);
    return;
  }
  chain = chain.then(() => run(request));
});
