import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { AppService } from '../../main/app/app-service.js';
import type { AppEvent } from '../../main/contract/events.js';
import { FieldmarkError } from '../../main/util/errors.js';
import {
  BIRDS,
  BROKEN_PHOTO,
  ROTATED_PHOTO,
  jobEnd,
  makeService,
  makeTestLibrary,
  type TestLibrary,
} from './app-test-library.js';

const TOTAL = BIRDS + 2;

describe('the app service over a real library', () => {
  let fixture: TestLibrary;
  let service: AppService;
  const events: AppEvent[] = [];

  before(async () => {
    fixture = await makeTestLibrary('app-service');
    service = makeService(fixture, events);
    const ended = jobEnd(service);
    const info = await service.openLibrary(fixture.library);
    assert.equal(info.name, 'library');
    assert.equal(info.model?.architecture, 'resnet18-cifar');
    assert.equal(info.model?.trained, false);
    const status = await ended;
    assert.equal(status.state, 'finished', status.message ?? '');
  });

  after(async () => {
    await service?.close();
    await fixture?.cleanup();
  });

  it('counts the library after indexing', async () => {
    assert.deepEqual(await service.handlers['library.stats']({}), {
      total: TOTAL,
      indexed: TOTAL - 1,
      failed: 1,
      pending: 0,
      labelled: 0,
    });
    const status = await service.handlers['indexing.status']({});
    assert.equal(status.done, TOTAL);
    assert.equal(status.failed, 1);
    assert.match(status.device?.provider ?? '', /cpu/i);
  });

  it('streams predictions, features, the failure and stats as events', () => {
    const predicted = events.flatMap((event) => (event.type === 'predictions' ? event.items : []));
    assert.equal(predicted.length, TOTAL - 1);
    for (const item of predicted) {
      assert.ok(item.top1.prob > 0 && item.top1.prob <= 1);
      assert.ok(
        ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'].includes(
          item.top1.name,
        ),
      );
    }
    const features = events.flatMap((event) => (event.type === 'features' ? [event.batch] : []));
    assert.equal(
      features.reduce((sum, batch) => sum + batch.imageIds.length, 0),
      TOTAL - 1,
    );
    for (const batch of features) assert.equal(batch.vectors.length, batch.imageIds.length * batch.dim);
    const errors = events.filter((event) => event.type === 'image-error');
    assert.deepEqual(
      errors.map((event) => event.type === 'image-error' && event.relPath),
      [BROKEN_PHOTO],
    );
    const lastStats = events.filter((event) => event.type === 'stats').at(-1);
    assert.deepEqual(lastStats?.type === 'stats' && lastStats.stats, {
      total: TOTAL,
      indexed: TOTAL - 1,
      failed: 1,
      pending: 0,
      labelled: 0,
    });
  });

  it('lists, filters and sorts pages of tiles', async () => {
    const all = await service.handlers['images.list']({ sort: 'name', order: 'asc', offset: 0, limit: 5 });
    assert.equal(all.total, TOTAL);
    assert.equal(all.items.length, 5);
    assert.match(all.items[0]!.relPath, /^birds\/001\./);
    assert.equal(all.items[0]!.status, 'indexed');
    const failed = await service.handlers['images.list']({
      status: 'failed',
      sort: 'name',
      order: 'asc',
      offset: 0,
      limit: 50,
    });
    assert.deepEqual(
      failed.items.map((tile) => [tile.relPath, tile.status, tile.top1]),
      [[BROKEN_PHOTO, 'failed', null]],
    );
    assert.ok(failed.items[0]!.errorKind);
    const byConfidence = await service.handlers['images.list']({
      sort: 'confidence',
      order: 'desc',
      offset: 0,
      limit: 50,
      status: 'indexed',
    });
    const probs = byConfidence.items.map((tile) => tile.top1!.prob);
    assert.deepEqual(
      probs,
      [...probs].sort((a, b) => b - a),
    );
    const top = byConfidence.items[0]!.top1!;
    const ofClass = await service.handlers['images.list']({
      classIndex: top.index,
      sort: 'name',
      order: 'asc',
      offset: 0,
      limit: 50,
    });
    assert.ok(ofClass.total >= 1 && ofClass.total <= TOTAL - 1);
    assert.ok(ofClass.items.every((tile) => tile.top1?.index === top.index));
    const distribution = await service.handlers['plots.classDistribution']({});
    assert.equal(distribution.find((entry) => entry.index === top.index)?.count, ofClass.total);
    assert.equal(
      distribution.reduce((sum, entry) => sum + entry.count, 0),
      TOTAL - 1,
    );
    const histogram = await service.handlers['plots.confidenceHistogram']({ bins: 10 });
    assert.equal(histogram.length, 10);
    assert.equal(
      histogram.reduce((sum, count) => sum + count, 0),
      TOTAL - 1,
    );
  });

  it('gives the details of an image: top-5, facts, or the error', async () => {
    const page = await service.handlers['images.list']({
      pathContains: 'coffee',
      sort: 'name',
      order: 'asc',
      offset: 0,
      limit: 5,
    });
    assert.equal(page.total, 0);
    const [rotated] = (
      await service.handlers['images.list']({
        pathContains: 'chelsea',
        sort: 'name',
        order: 'asc',
        offset: 0,
        limit: 5,
      })
    ).items;
    const details = await service.handlers['images.details']({ id: rotated!.id });
    assert.equal(details.relPath, ROTATED_PHOTO);
    assert.equal(details.topk.length, 5);
    // Orientation 6 of a portrait-stored file: upright it is 451x300 (reference SOURCES.md).
    assert.deepEqual([details.width, details.height], [451, 300], 'dimensions after EXIF orientation');
    assert.ok(details.sizeBytes > 1000);
    const [broken] = await service.handlers['images.failed']({ limit: 10 });
    assert.equal(broken!.relPath, BROKEN_PHOTO);
    const brokenDetails = await service.handlers['images.details']({ id: broken!.id });
    assert.equal(brokenDetails.status, 'failed');
    assert.equal(brokenDetails.error?.kind, broken!.kind);
    await assert.rejects(
      Promise.resolve().then(() => service.handlers['images.details']({ id: 999_999 })),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'NotFound',
    );
  });

  it('makes EXIF-rotated thumbnails once and serves them from the cache', async () => {
    const [rotated] = (
      await service.handlers['images.list']({
        pathContains: 'chelsea',
        sort: 'name',
        order: 'asc',
        offset: 0,
        limit: 1,
      })
    ).items;
    const first = await service.rendition(rotated!.id, 'thumbnail');
    assert.equal(first.contentType, 'image/webp');
    const meta = await sharp(first.bytes).metadata();
    assert.equal(meta.format, 'webp');
    assert.deepEqual([meta.width, meta.height], [256, 170], 'upright (EXIF applied), long edge 256');
    const again = await service.rendition(rotated!.id, 'thumbnail');
    assert.deepEqual(again.bytes, first.bytes);
    assert.ok(existsSync(join(fixture.dir, 'cache', 'images', 'thumbnails')));
    const preview = await sharp((await service.rendition(rotated!.id, 'preview')).bytes).metadata();
    assert.deepEqual(
      [preview.format, preview.width, preview.height],
      ['jpeg', 451, 300],
      'previews are never enlarged',
    );
    const [broken] = await service.handlers['images.failed']({ limit: 1 });
    await assert.rejects(
      service.rendition(broken!.id, 'thumbnail'),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'DecodeFailed',
    );
    await assert.rejects(
      service.rendition(123_456, 'thumbnail'),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'NotFound',
    );
  });

  it('keeps settings and the recent list on disk', async () => {
    const settings = await service.handlers['settings.update']({ batchSize: 16, device: 'cpu' });
    assert.equal(settings.batchSize, 16);
    assert.equal(settings.modelId, fixture.modelPath, 'the run override for the model stays');
    const saved = JSON.parse(readFileSync(join(fixture.dir, 'user-data', 'settings.json'), 'utf8')) as {
      settings: { batchSize: number; device: string };
      recent: { root: string }[];
    };
    assert.equal(saved.settings.batchSize, 16);
    assert.equal(saved.settings.device, 'cpu');
    assert.equal(saved.recent[0]!.root, fixture.library);
    assert.deepEqual(
      (await service.handlers['library.recent']({})).map((entry) => entry.root),
      [fixture.library],
    );
  });

  it('rescans without redoing finished work', async () => {
    const ended = jobEnd(service, { nextJob: true });
    const started = await service.handlers['indexing.start']({});
    assert.ok(['scanning', 'finished'].includes(started.state));
    const status = await ended;
    assert.equal(status.state, 'finished');
    assert.equal(status.toProcess, 0);
    assert.equal(status.scan?.unchanged, TOTAL);
  });

  it('opens one library at a time when asked twice at once', async () => {
    // Two opens in flight (a double click, two browser tabs) used to interleave: the first went on
    // with a session the second had already closed.
    const opened = await Promise.allSettled([
      service.openLibrary(fixture.library),
      service.openLibrary(fixture.library),
    ]);
    assert.deepEqual(
      opened.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.root : String(outcome.reason))),
      [fixture.library, fixture.library],
    );
    const status = await jobEnd(service);
    assert.equal(status.state, 'finished', status.message ?? '');
    assert.deepEqual(await service.handlers['library.stats']({}), {
      total: TOTAL,
      indexed: TOTAL - 1,
      failed: 1,
      pending: 0,
      labelled: 0,
    });
  });

  it('closing while a library opens leaves no session (nor job) behind', async () => {
    const other = makeService(fixture);
    const opening = other.openLibrary(fixture.library);
    await other.close();
    await opening;
    assert.equal(other.currentLibrary, null);
    assert.equal(other.indexingStatus().state, 'idle');
  });

  it('reports a missing model as a failed job, not a crash', async () => {
    const ended = jobEnd(service, { nextJob: true });
    await service.handlers['settings.update']({ modelId: join(fixture.dir, 'missing.onnx') });
    const status = await ended;
    assert.equal(status.state, 'failed');
    assert.match(status.message ?? '', /missing\.onnx/);
  });
});
