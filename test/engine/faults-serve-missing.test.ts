/**
 * Issue 12, item 2 through the app service (what `serve` and the desktop app run): a library
 * whose files are all gone (an unmounted drive) fails its indexing with a message that says so,
 * and the catalog keeps every image, prediction and feature.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BIRDS, jobEnd, makeService, makeTestLibrary } from './app-test-library.js';

test('the app service on an emptied library folder reports it unavailable and deletes nothing', async () => {
  const fixture = await makeTestLibrary('faults-serve');
  try {
    const first = makeService(fixture);
    const ended = jobEnd(first);
    const info = await first.openLibrary(fixture.library);
    assert.equal((await ended).state, 'finished');
    await first.close();
    const counts = () => {
      const db = new Database(info.catalogPath, { readonly: true });
      try {
        return ['images', 'predictions', 'features'].map((table) =>
          db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get(),
        );
      } finally {
        db.close();
      }
    };
    const before = counts();
    assert.equal(before[0], BIRDS + 2);

    // What an unmounted drive's mount point looks like: the folder is there, its files are not.
    const aside = join(fixture.dir, 'aside');
    await mkdir(aside);
    for (const folder of ['birds', 'photos']) await rename(join(fixture.library, folder), join(aside, folder));
    const second = makeService(fixture);
    try {
      const failed = jobEnd(second);
      await second.openLibrary(fixture.library);
      const status = await failed;
      assert.equal(status.state, 'failed');
      assert.match(status.message ?? '', /14 of the 14 catalogued files are gone .*nothing in the catalog was changed/);
    } finally {
      await second.close();
    }
    assert.deepEqual(counts(), before);
  } finally {
    await fixture.cleanup();
  }
});
