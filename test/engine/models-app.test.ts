/**
 * Issue 13, engine side: the models page's rows (unique names, states), a download with a wrong
 * checksum refused in the worker with its partial file removed, the folder tree's counts and the
 * folder filter, the folder browser, and the banner when the library's model file disappears.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppEvent } from '../../main/contract/events.js';
import type { ModelRow } from '../../main/contract/model-types.js';
import { startFileServer, testBytes } from '../fixtures/http-fixtures.js';
import { repoRoot } from '../fixtures/zoo-helpers.js';
import { BIRDS, jobEnd, makeService, makeTestLibrary } from './app-test-library.js';

function waitFor<T>(events: AppEvent[], pick: (event: AppEvent) => T | undefined, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      for (const event of events) {
        const value = pick(event);
        if (value !== undefined) return resolve(value);
      }
      if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(poll, 20);
    };
    poll();
  });
}

test('models.rows: every registry model plus the library model, no two with the same visible name', async (t) => {
  const fixture = await makeTestLibrary('fieldmark-models-rows-');
  t.after(fixture.cleanup);
  const service = makeService(fixture);
  t.after(() => service.close());
  await service.openLibrary(fixture.library);
  await jobEnd(service);
  const rows = await service.handlers['models.rows']({});
  const names = rows.map((row) => row.name);
  assert.equal(
    new Set(names).size,
    names.length,
    `duplicate names: ${names.filter((n, i) => names.indexOf(n) !== i).join(', ')}`,
  );
  const own = rows.find((row) => row.id === fixture.modelPath);
  assert.ok(own, 'the library model is listed');
  assert.equal(own.inUse, true);
  assert.equal(own.trained, false);
  assert.match(own.name, /untrained/);
  const r50 = rows.find((row) => row.id === 'resnet50_8xb32_in1k');
  assert.equal(r50?.state, 'not-downloaded');
  assert.equal(r50?.top1, 76.55);
  const fp16 = rows.find((row) => row.id === 'resnet50_8xb32-fp16_in1k');
  assert.notEqual(fp16?.name, r50?.name);
});

test('a download with a wrong checksum is refused and its partial file removed', async (t) => {
  const fixture = await makeTestLibrary('fieldmark-models-download-');
  t.after(fixture.cleanup);
  const server = await startFileServer(testBytes(300_000, 7));
  t.after(server.close);
  // A registry of one model whose checkpoint URL is the local server and whose hash is not the file's.
  const modelsDir = join(fixture.dir, 'models-data');
  await mkdir(join(modelsDir, 'labels'), { recursive: true });
  const registry = JSON.parse(
    await import('node:fs/promises').then((fs) => fs.readFile(join(repoRoot, 'models', 'registry.json'), 'utf8')),
  ) as { defaultModel: string; models: { id: string; checkpoint: { url: string; sha256Prefix: string } }[] };
  const entry = registry.models.find((m) => m.id === 'akamaster-resnet20_cifar10')!;
  entry.checkpoint = {
    url: `${server.url}/file.pth`,
    sha256Prefix: server.sha256.startsWith('0') ? '11111111' : '00000000',
  };
  await writeFile(join(modelsDir, 'registry.json'), JSON.stringify({ ...registry, models: [entry] }));
  for (const file of await readdir(join(repoRoot, 'models', 'labels')))
    await copyFile(join(repoRoot, 'models', 'labels', file), join(modelsDir, 'labels', file));
  fixture.env.FIELDMARK_MODELS_DIR = modelsDir;
  const events: AppEvent[] = [];
  const service = makeService(fixture, events);
  t.after(() => service.close());
  const started = await service.handlers['models.download']({ id: entry.id });
  assert.equal(started.find((row) => row.id === entry.id)?.state, 'downloading');
  const failed = await waitFor(events, (event) =>
    event.type === 'models.changed'
      ? event.rows.find((row: ModelRow) => row.id === entry.id && row.state === 'failed')
      : undefined,
  );
  assert.match(failed.error ?? '', /SHA-256|checksum/i);
  const error = await waitFor(events, (event) =>
    event.type === 'error' && event.error.kind === 'DownloadFailed' ? event.error : undefined,
  );
  assert.match(error.message, /akamaster-resnet20_cifar10/);
  const leftovers = await readdir(join(fixture.dir, 'cache'), { recursive: true });
  assert.deepEqual(
    leftovers.filter((file) => String(file).includes('file.pth')),
    [],
    `partial or refused file left: ${leftovers.join(', ')}`,
  );
  assert.ok(server.requests.length >= 1, 'the engine did download');
});

test('folder counts, the folder filter and the folder browser', async (t) => {
  const fixture = await makeTestLibrary('fieldmark-models-folders-');
  t.after(fixture.cleanup);
  await mkdir(join(fixture.library, 'birds', 'deeper'));
  await copyFile(
    join(fixture.library, 'photos', 'chelsea_exif_orientation_6.jpg'),
    join(fixture.library, 'birds', 'deeper', 'cat.jpg'),
  );
  const service = makeService(fixture);
  t.after(() => service.close());
  await service.openLibrary(fixture.library);
  await jobEnd(service);
  const folders = await service.handlers['library.folders']({});
  const count = (path: string) => folders.find((folder) => folder.path === path)?.count;
  const stats = service.handlers['library.stats']({}) as {
    total: number;
    indexed: number;
    failed: number;
    pending: number;
  };
  assert.equal(count(''), stats.total);
  assert.equal(stats.total, stats.indexed + stats.failed + stats.pending);
  assert.equal(count('birds'), BIRDS + 1);
  assert.equal(count('birds/deeper'), 1);
  assert.equal(count('photos'), 2);
  const page = await service.handlers['images.list']({
    folder: 'birds',
    sort: 'name',
    order: 'asc',
    offset: 0,
    limit: 100,
  });
  assert.equal(page.total, BIRDS + 1);
  assert.ok(page.items.every((item) => item.relPath.startsWith('birds/')));
  // "bird" is a prefix of "birds" but not a folder: nothing.
  assert.equal(
    (await service.handlers['images.list']({ folder: 'bird', sort: 'name', order: 'asc', offset: 0, limit: 100 }))
      .total,
    0,
  );
  const listing = await service.handlers['library.browse']({ path: fixture.library });
  assert.deepEqual(listing.folders, ['birds', 'photos']);
  assert.equal(listing.parent, fixture.dir);
  await assert.rejects(
    Promise.resolve().then(() => service.handlers['library.browse']({ path: 'relative/path' })),
    /absolute path/,
  );
});

test('the banner event names the model when its file disappears while the app runs, and startIndexing reports it', async (t) => {
  const fixture = await makeTestLibrary('fieldmark-models-banner-');
  t.after(fixture.cleanup);
  const events: AppEvent[] = [];
  const service = makeService(fixture, events);
  t.after(() => service.close());
  await service.openLibrary(fixture.library);
  await jobEnd(service);
  await rm(fixture.modelPath);
  const problem = await waitFor(events, (event) =>
    event.type === 'model.problem' && event.problem ? event.problem : undefined,
  );
  assert.equal(problem.kind, 'ModelMissing');
  assert.ok(problem.message.includes(fixture.modelPath), problem.message);
  assert.deepEqual(await service.handlers['models.problem']({}), problem);
});
