/**
 * Issue 12: a run that hangs (a batch that never returns) times out with a named error instead of
 * leaving the job, and the UI watching it, stuck. The test injects tiny timeouts, so that real
 * batches on a real session "hang" past them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../helpers/paths.js';
import { makeCifarLibrary } from './faults-fixture.js';
import { Catalog } from '../../main/engine/catalog/index.js';
import { InferenceClient } from '../../main/engine/inference/inference-client.js';
import { startIndexJob } from '../../main/engine/pipeline/index-job.js';
import type { IndexEvent } from '../../main/engine/pipeline/events.js';
import { buildSeededModel } from '../../main/zoo/resnet/build-model.js';
import type { ModelMetadata } from '../../main/zoo/onnx/model-metadata.js';
import { FieldmarkError } from '../../main/util/errors.js';

const work = tempDir('faults-timeout');
const library = join(work.path, 'photos');
let model: { path: string; metadata: ModelMetadata };

const isKind = (kind: string, pattern: RegExp) => (error: unknown) =>
  error instanceof FieldmarkError && error.kind === kind && pattern.test(error.message);

before(async () => {
  makeCifarLibrary(library, 24);
  const built = await buildSeededModel({
    architecture: 'akamaster-resnet20',
    classes: 'cifar10',
    seed: 4,
    outPath: join(work.path, 'm.onnx'),
  });
  model = { path: built.path, metadata: built.metadata };
});
after(() => work.cleanup());

const start = (extra: { batchTimeoutMs?: number; startTimeoutMs?: number }) =>
  InferenceClient.start({
    modelPath: model.path,
    device: 'cpu',
    threads: 1,
    inputHeight: 32,
    inputWidth: 32,
    ...extra,
  });

test('a batch slower than the timeout fails with Timeout; the abandoned worker answers nothing more and closes at once', async () => {
  const client = await start({ batchTimeoutMs: 1 });
  const count = 64;
  await assert.rejects(
    client.run(new Float32Array(count * 3 * 32 * 32), count, 32, 32),
    isKind('Timeout', /batch of 64 images did not finish within 1 ms; the model may hang/),
  );
  await assert.rejects(client.run(new Float32Array(3 * 32 * 32), 1, 32, 32), isKind('InferenceFailed', /has exited/));
  await client.close();
});

test('a session that does not load within the start timeout fails with Timeout', async () => {
  await assert.rejects(start({ startTimeoutMs: 1 }), isKind('Timeout', /did not load within 1 ms/));
});

test('with the default timeout the same batch runs; an index job whose batch hangs fails with Timeout and says so', async () => {
  const client = await start({});
  const output = await client.run(new Float32Array(2 * 3 * 32 * 32), 2, 32, 32);
  assert.equal(output.probabilities.length, 20);
  await client.close();

  const catalog = Catalog.open(join(work.path, 'job.db'));
  try {
    const libraryId = catalog.ensureLibrary(library);
    const events: IndexEvent[] = [];
    const job = startIndexJob(
      {
        catalog,
        libraryId,
        libraryRoot: library,
        model,
        device: 'cpu',
        batchSize: 24,
        topK: 3,
        threads: 1,
        batchTimeoutMs: 1,
      },
      (event) => events.push(event),
    );
    await assert.rejects(job.done, isKind('Timeout', /did not finish within 1 ms/));
    const failed = events.find((event) => event.type === 'state' && event.state === 'failed');
    assert.ok(
      failed && failed.type === 'state' && /did not finish/.test(failed.message ?? ''),
      JSON.stringify(events.map((e) => e.type)),
    );
    assert.equal(catalog.stats(libraryId, await job.modelRowId).predicted, 0);
  } finally {
    catalog.close();
  }
});
