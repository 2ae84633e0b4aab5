/** The indexing job's controls and events, on a real catalog, real images and a real session. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { referencePath, tempDir } from '../helpers/paths.js';
import { Catalog } from '../../main/engine/catalog/index.js';
import { startIndexJob, type IndexJobOptions } from '../../main/engine/pipeline/index-job.js';
import { InferenceClient } from '../../main/engine/inference/inference-client.js';
import type { IndexEvent } from '../../main/engine/pipeline/events.js';
import { buildSeededModel } from '../../main/zoo/resnet/build-model.js';
import type { ModelMetadata } from '../../main/zoo/onnx/model-metadata.js';

const work = tempDir('index-job');
const library = join(work.path, 'birds');
const birdCount = 48;
let model: { path: string; metadata: ModelMetadata };

before(async () => {
  sharp.concurrency(1);
  mkdirSync(library);
  for (const name of readdirSync(referencePath('birds', 'images')).sort().slice(0, birdCount)) {
    copyFileSync(referencePath('birds', 'images', name), join(library, name));
  }
  const built = await buildSeededModel({
    architecture: 'resnet18',
    classes: 'cub200',
    seed: 9,
    outPath: join(work.path, 'm.onnx'),
  });
  // CUB preprocessing (600x600 resize, 448 crop) is heavy for a test; the 224 ImageNet pipeline keeps it quick.
  model = { path: built.path, metadata: built.metadata };
});
after(() => work.cleanup());

function openJob(db: string, onEvent: (event: IndexEvent) => void) {
  const catalog = Catalog.open(join(work.path, db));
  const libraryId = catalog.ensureLibrary(library);
  const options: IndexJobOptions = {
    catalog,
    libraryId,
    libraryRoot: library,
    model,
    device: 'cpu',
    batchSize: 4,
    topK: 5,
  };
  return { catalog, libraryId, job: startIndexJob(options, onEvent) };
}

test('events: scan, started, predictions and L2-normalised features for every image, progress to the end', async () => {
  const events: IndexEvent[] = [];
  const { catalog, job } = openJob('events.sqlite', (e) => events.push(e));
  const summary = await job.done;
  catalog.close();
  assert.equal(summary.processed, birdCount);
  const scan = events.find((e) => e.type === 'scan');
  assert.ok(scan && scan.type === 'scan' && scan.summary.added === birdCount);
  const started = events.find((e) => e.type === 'started');
  assert.ok(
    started && started.type === 'started' && started.device.provider === 'cpu' && started.toProcess === birdCount,
  );
  const predicted = events.flatMap((e) => (e.type === 'predictions' ? e.items : []));
  assert.equal(new Set(predicted.map((p) => p.imageId)).size, birdCount);
  for (const p of predicted) assert.equal(p.topk.length, 5);
  const features = events.filter((e) => e.type === 'features');
  for (const batch of features) {
    if (batch.type !== 'features') continue;
    assert.equal(batch.vectors.length, batch.imageIds.length * batch.dim);
    assert.equal(batch.dim, 512);
    let norm = 0;
    for (let i = 0; i < batch.dim; i++) norm += batch.vectors[i]! ** 2;
    assert.ok(Math.abs(Math.sqrt(norm) - 1) < 1e-4);
  }
  const last = events.filter((e) => e.type === 'progress').pop();
  assert.ok(last && last.type === 'progress' && last.progress.done === birdCount && last.progress.etaSeconds === 0);
  assert.equal(events[events.length - 1]!.type, 'state');
});

test('pause stops progress once the work in flight is saved; resume finishes the library', async (t) => {
  let paused = false;
  let doneWhenPaused = -1;
  let resolvePaused!: () => void;
  const pausedOnce = new Promise<void>((r) => (resolvePaused = r));
  const { catalog, libraryId, job } = openJob('pause.sqlite', (event) => {
    if (event.type === 'predictions' && !paused) {
      paused = true;
      job.pause();
    }
    if (event.type === 'state' && event.state === 'paused') resolvePaused();
  });
  t.after(() => job.cancel()); // never leave a paused job (and its worker) behind if an assertion fails
  await pausedOnce; // announced once the batches in flight are saved
  const modelRow = await job.modelRowId;
  doneWhenPaused = catalog.stats(libraryId, modelRow).predicted;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(catalog.stats(libraryId, modelRow).predicted, doneWhenPaused, 'no progress while paused');
  assert.ok(doneWhenPaused < birdCount);
  job.resume();
  const summary = await job.done;
  assert.equal(summary.processed, birdCount);
  assert.equal(catalog.stats(libraryId, modelRow).predicted, birdCount);
  catalog.close();
});

test('cancel keeps what was saved; the next run does only the rest', async () => {
  let cancelled = false;
  const first = openJob('cancel.sqlite', (event) => {
    if (event.type === 'predictions' && !cancelled) {
      cancelled = true;
      first.job.cancel();
    }
  });
  const summary = await first.job.done;
  assert.equal(summary.cancelled, true);
  assert.ok(summary.processed > 0 && summary.processed < birdCount, `processed ${summary.processed}`);
  const saved = first.catalog.stats(first.libraryId, await first.job.modelRowId).predicted;
  assert.equal(saved, summary.processed, 'everything counted as processed was saved');
  first.catalog.close();
  const second = openJob('cancel.sqlite', () => undefined);
  const rest = await second.job.done;
  second.catalog.close();
  assert.equal(rest.processed, birdCount - saved);
  assert.equal(rest.skipped, saved);
});

test('a model file that is not a valid network fails the job with a clear error', async () => {
  const bogus = { path: join(referencePath('photos'), 'coffee.png'), metadata: model.metadata };
  const catalog = Catalog.open(join(work.path, 'bogus.sqlite'));
  const libraryId = catalog.ensureLibrary(library);
  const job = startIndexJob(
    { catalog, libraryId, libraryRoot: library, model: bogus, device: 'cpu', batchSize: 4, topK: 5 },
    () => undefined,
  );
  await assert.rejects(
    job.done,
    (error: Error & { kind?: string }) => error.kind === 'ModelInvalid' && error.message.includes('coffee.png'),
  );
  catalog.close();
});

/** The last 'state' event, which is what the app's status shows once the job is over. */
function lastState(events: IndexEvent[]): string | undefined {
  const states = events.filter((e) => e.type === 'state');
  const last = states[states.length - 1];
  return last?.type === 'state' ? last.state : undefined;
}

test('a cancel during the scan ends the job as cancelled, without loading the model', async () => {
  const events: IndexEvent[] = [];
  const { catalog, job } = openJob('cancel-scan.sqlite', (e) => events.push(e));
  job.cancel(); // the scan has only just begun
  const summary = await job.done;
  catalog.close();
  assert.equal(summary.cancelled, true);
  assert.equal(summary.processed, 0);
  assert.equal(
    lastState(events),
    'cancelled',
    `states: ${events
      .filter((e) => e.type === 'state')
      .map((e) => (e.type === 'state' ? e.state : ''))
      .join(', ')}`,
  );
  assert.equal(
    events.some((e) => e.type === 'started'),
    false,
    'no session was started',
  );
});

test('a cancel while the session loads is the last word, not a later "running"', async () => {
  const events: IndexEvent[] = [];
  const { catalog, job } = openJob('cancel-load.sqlite', (e) => {
    events.push(e);
    // Right after the scan the worker is still loading the model (hundreds of ms).
    if (e.type === 'scan') setImmediate(() => job.cancel());
  });
  const summary = await job.done;
  catalog.close();
  assert.equal(summary.cancelled, true);
  assert.equal(
    lastState(events),
    'cancelled',
    `states: ${events
      .filter((e) => e.type === 'state')
      .map((e) => (e.type === 'state' ? e.state : ''))
      .join(', ')}`,
  );
});

test('controls used after the job finished announce nothing', async () => {
  const events: IndexEvent[] = [];
  const { catalog, job } = openJob('late-cancel.sqlite', (e) => events.push(e));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (lastState(events) === 'finished') {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  const count = events.length;
  job.pause();
  job.resume();
  job.cancel(); // e.g. the library is closed just as its job ends
  const summary = await job.done;
  catalog.close();
  assert.equal(summary.cancelled, false);
  assert.deepEqual(
    events.slice(count).map((e) => e.type),
    [],
    'no events after the job finished',
  );
});

test('a catalog write that fails mid-job fails the job instead of escaping as an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    let closedCatalog = false;
    const { catalog, job } = openJob('write-fails.sqlite', (e) => {
      // The next batch's write then meets a closed connection, as it would a full disk.
      if (e.type === 'predictions' && !closedCatalog) {
        closedCatalog = true;
        catalog.close();
      }
    });
    await assert.rejects(job.done, /not open/);
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('unhandledRejection', record);
  }
  assert.deepEqual(unhandled.map(String), []);
});

test('an inference worker that died answers runs with an error and closes at once', async () => {
  const { height, width } = model.metadata.preprocess.input;
  const client = await InferenceClient.start({
    modelPath: model.path,
    device: 'cpu',
    threads: 1,
    inputHeight: height,
    inputWidth: width,
  });
  const exited = new Promise((resolve) => client['worker'].once('exit', resolve));
  await client['worker'].terminate(); // stands for a crash of the thread
  await exited;
  const within = <T>(promise: Promise<T>, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} hung`)), 5000)),
    ]);
  await assert.rejects(
    within(client.run(new Float32Array(3 * height * width), 1, height, width), 'run'),
    (error: Error & { kind?: string }) => error.kind === 'InferenceFailed',
  );
  await within(client.close(), 'close');
});
