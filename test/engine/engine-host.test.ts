import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import sharp from 'sharp';
import type { AppEvent } from '../../main/contract/events.js';
import type { IndexingStatus } from '../../main/contract/types.js';
import type { EngineClient } from '../../main/host/engine-client.js';
import { startEngineWorker } from '../../main/host/engine-worker-host.js';
import { FieldmarkError } from '../../main/util/errors.js';
import { BIRDS, makeTestLibrary, type TestLibrary } from './app-test-library.js';

const TOTAL = BIRDS + 2;
const LIST = { sort: 'name', order: 'asc', offset: 0, limit: 100 } as const;

function isEnd(status: IndexingStatus): boolean {
  return status.state === 'finished' || status.state === 'failed' || status.state === 'cancelled';
}

describe('the engine in a worker thread, through its client', () => {
  let fixture: TestLibrary;
  let client: EngineClient;
  const events: AppEvent[] = [];
  const logs: string[] = [];

  before(async () => {
    fixture = await makeTestLibrary('engine-host');
    client = await startEngineWorker(
      {
        paths: { userDataDir: join(fixture.dir, 'user-data'), cacheDir: join(fixture.dir, 'cache') },
        env: fixture.env,
        version: '0.0.0-test',
        transport: 'web',
        cwd: fixture.dir,
        canPickFolder: false,
        canTrashFiles: false,
        overrides: { modelId: fixture.modelPath, batchSize: 4, threads: 1 },
      },
      { log: (message) => logs.push(message), callTimeoutMs: 60_000 },
    );
    const ended = new Promise<IndexingStatus>((resolve) => {
      client.onEvent((event) => {
        events.push(event);
        if (event.type === 'indexing' && isEnd(event.status)) resolve(event.status);
      });
    });
    const info = await client.openLibrary(fixture.library);
    assert.equal(info.name, 'library');
    assert.equal(client.currentLibrary?.root, info.root);
    assert.equal(client.recent[0]?.root, info.root);
    const status = await ended;
    assert.equal(status.state, 'finished', status.message ?? '');
  });

  after(async () => {
    await client?.close();
    await fixture?.cleanup();
  });

  it('lists the library that the worker indexed', async () => {
    const page = await client.handlers['images.list'](LIST);
    assert.equal(page.total, TOTAL);
    assert.equal(page.items.length, TOTAL);
    const names = page.items.map((item) => item.relPath);
    assert.deepEqual(names, [...names].sort());
    assert.equal(page.items.filter((item) => item.top1 !== null).length, TOTAL - 1);
  });

  it('streams events across the boundary: statuses, predictions and feature vectors as floats', () => {
    assert.ok(events.some((event) => event.type === 'library-opened'));
    assert.ok(events.some((event) => event.type === 'predictions' && event.items.length > 0));
    const features = events.filter((event) => event.type === 'features');
    assert.ok(features.length > 0, 'no feature batch arrived');
    const first = features[0]!;
    assert.ok(first.type === 'features' && first.batch.vectors instanceof Float32Array);
    assert.equal(
      first.type === 'features' ? first.batch.vectors.length : -1,
      first.type === 'features' ? first.batch.imageIds.length * first.batch.dim : -2,
    );
  });

  it('labels through the worker and announces the change', async () => {
    const page = await client.handlers['images.list'](LIST);
    const id = page.items[0]!.id;
    const before = events.length;
    const summary = await client.handlers['labels.set']({
      imageIds: [id],
      label: 'airplane',
      rank: 'species',
      source: 'manual',
    });
    assert.equal(summary.changed, 1);
    const labelled = await client.handlers['images.list']({ ...LIST, label: 'labelled' });
    assert.deepEqual(
      labelled.items.map((item) => item.id),
      [id],
    );
    // The event was posted before the reply, so it has arrived by now.
    assert.ok(events.slice(before).some((event) => event.type === 'labels.changed' && event.imageIds?.includes(id)));
  });

  it('rebuilds errors with their kind', async () => {
    await assert.rejects(
      async () => client.handlers['images.details']({ id: 987_654 }),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'NotFound',
    );
    await assert.rejects(
      client.openLibrary(join(fixture.dir, 'no-such-folder')),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'NotFound',
    );
    // Invalid input is refused by the engine's dispatcher with InvalidArgument, as over any transport.
    await assert.rejects(
      async () => client.handlers['images.list']({ ...LIST, limit: 0 }),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'InvalidArgument',
    );
  });

  it('serves thumbnails as bytes', async () => {
    const page = await client.handlers['images.list']({ ...LIST, status: 'indexed' });
    const thumb = await client.rendition(page.items[0]!.id, 'thumbnail');
    assert.match(thumb.contentType, /^image\//);
    const meta = await sharp(thumb.bytes).metadata();
    assert.ok((meta.width ?? 0) > 0 && (meta.width ?? 0) <= 512);
    await assert.rejects(
      client.rendition(987_654, 'thumbnail'),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'NotFound',
    );
  });

  it('close ends the worker, and later calls fail instead of hanging', async () => {
    await client.close();
    assert.match(await client.exited, /exited/);
    await assert.rejects(
      async () => client.handlers['library.stats']({}),
      (error: unknown) => error instanceof FieldmarkError && /closed|stopped/.test(error.message),
    );
  });
});

describe('the engine worker asks the UI side for the folder dialog', () => {
  it('library.openDialog round-trips through the client, and a cancelled dialog opens nothing', async () => {
    const fixture = await makeTestLibrary('engine-host-dialog');
    let asked = 0;
    const client = await startEngineWorker(
      {
        paths: { userDataDir: join(fixture.dir, 'user-data'), cacheDir: join(fixture.dir, 'cache') },
        env: fixture.env,
        version: '0.0.0-test',
        transport: 'electron',
        cwd: fixture.dir,
        canPickFolder: true,
        canTrashFiles: false,
        overrides: { modelId: fixture.modelPath },
      },
      {
        log: () => undefined,
        pickFolder: async () => {
          asked += 1;
          return null;
        },
      },
    );
    try {
      assert.equal((await client.handlers['app.info']({})).canPickFolder, true);
      assert.equal(await client.handlers['library.openDialog']({}), null);
      assert.equal(asked, 1);
      assert.equal(await client.handlers['library.current']({}), null);
    } finally {
      await client.close();
      await fixture.cleanup();
    }
  });
});
