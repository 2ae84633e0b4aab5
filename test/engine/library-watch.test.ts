/**
 * Library in sync (issue 12): with a library open in the app service, files added, changed,
 * renamed (also inside a folder renamed after the watch started) and deleted in the real folder
 * are indexed without any request, and the UI's events (predictions, stats) show them arrive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppService } from '../../main/app/app-service.js';
import type { AppEvent } from '../../main/contract/events.js';
import { BIRDS, jobEnd, makeService, makeTestLibrary, type TestLibrary } from './app-test-library.js';
import { referencePath } from '../fixtures/zoo-helpers.js';

const TOTAL = BIRDS + 2;

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an open library follows its folder', () => {
  let fixture: TestLibrary;
  let service: AppService;
  const events: AppEvent[] = [];
  let spareBirds: string[] = [];

  const predictedPaths = () =>
    events.flatMap((event) => (event.type === 'predictions' ? event.items.map((item) => item.relPath) : []));
  const lastStats = () => events.filter((event) => event.type === 'stats').at(-1);
  /** Indexing runs started so far (each shows 'scanning' first). */
  const runs = () => events.filter((event) => event.type === 'indexing' && event.status.state === 'scanning').length;
  const idleAfterRun = (runsBefore: number) => async () =>
    runs() > runsBefore && (await service.handlers['indexing.status']({})).state === 'finished';
  const listed = async () =>
    (await service.handlers['images.list']({ sort: 'name', order: 'asc', offset: 0, limit: 100 })).items;

  before(async () => {
    fixture = await makeTestLibrary('library-watch');
    spareBirds = (await readdir(referencePath('birds', 'images')))
      .filter((file) => file.endsWith('.jpg'))
      .sort()
      .slice(BIRDS, BIRDS + 4);
    assert.equal(spareBirds.length, 4);
    service = makeService(fixture, events);
    const ended = jobEnd(service);
    await service.openLibrary(fixture.library);
    assert.equal((await ended).state, 'finished');
    assert.deepEqual(await service.handlers['library.stats']({}), {
      total: TOTAL,
      indexed: TOTAL - 1,
      failed: 1,
      pending: 0,
      labelled: 0,
    });
  });

  after(async () => {
    await service?.close();
    await fixture?.cleanup();
  });

  it('indexes a new file and announces it', async () => {
    await copyFile(referencePath('birds', 'images', spareBirds[0]!), join(fixture.library, 'birds', 'new.jpg'));
    await waitFor('a prediction for birds/new.jpg', () => predictedPaths().includes('birds/new.jpg'));
    const stats = await waitFor('stats with the new file', () => {
      const event = lastStats();
      return event?.type === 'stats' && event.stats.total === TOTAL + 1 && event.stats.indexed === TOTAL
        ? event.stats
        : false;
    });
    assert.equal(stats.pending, 0);
  });

  it('indexes a changed file again', async () => {
    const before = predictedPaths().filter((path) => path === 'birds/new.jpg').length;
    await copyFile(referencePath('birds', 'images', spareBirds[1]!), join(fixture.library, 'birds', 'new.jpg'));
    await waitFor(
      'a second prediction for birds/new.jpg',
      () => predictedPaths().filter((path) => path === 'birds/new.jpg').length > before,
    );
    assert.equal((await service.handlers['library.stats']({})).total, TOTAL + 1);
  });

  it('follows a moved file and a file written into a folder renamed after the watch started', async () => {
    let runsBefore = runs();
    await mkdir(join(fixture.library, 'incoming'));
    await waitFor('a run after the new folder (which is watched from then on)', idleAfterRun(runsBefore));
    runsBefore = runs();
    await rename(join(fixture.library, 'incoming'), join(fixture.library, 'sorted'));
    await rename(join(fixture.library, 'birds', 'new.jpg'), join(fixture.library, 'sorted', 'moved.jpg'));
    await waitFor('the moved file listed at its new path', async () => {
      const items = await listed();
      return (
        items.some((tile) => tile.relPath === 'sorted/moved.jpg' && tile.status === 'indexed') &&
        !items.some((tile) => tile.relPath === 'birds/new.jpg')
      );
    });
    // The case Node 20's recursive fs.watch misses on Linux: a file created in a folder renamed after the watch started.
    await waitFor('a run after the move', idleAfterRun(runsBefore));
    await copyFile(referencePath('birds', 'images', spareBirds[2]!), join(fixture.library, 'sorted', 'late.jpg'));
    await waitFor('a prediction for sorted/late.jpg', () => predictedPaths().includes('sorted/late.jpg'));
    assert.equal((await service.handlers['library.stats']({})).total, TOTAL + 2);
  });

  it('marks a deleted file missing (kept, not counted) and ignores hidden files', async () => {
    await writeFile(join(fixture.library, '.notes.jpg'), 'hidden, not part of the library');
    await rm(join(fixture.library, 'sorted', 'late.jpg'));
    const stats = await waitFor('stats without the deleted file', async () => {
      const current = await service.handlers['library.stats']({});
      return current.total === TOTAL + 1 ? current : false;
    });
    assert.deepEqual(stats, { total: TOTAL + 1, indexed: TOTAL, failed: 1, pending: 0, labelled: 0 });
    assert.ok(!(await listed()).some((tile) => tile.relPath === 'sorted/late.jpg' || tile.relPath === '.notes.jpg'));
  });
});
