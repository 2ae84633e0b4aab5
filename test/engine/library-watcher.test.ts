/**
 * The parts under the library sync (issue 12): the folder watcher on a real folder (events,
 * debouncing of a burst, hidden and ignored files, the rescan alone as on a network drive) and
 * the rerun queue that turns requests during a run into exactly one more run.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchLibrary } from '../../main/engine/scan/library-watcher.js';
import { rerunQueue } from '../../main/engine/pipeline/rerun-queue.js';
import { tempDir } from '../helpers/paths.js';

const work = tempDir('library-watcher');
after(() => work.cleanup());

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a burst of changes in nested folders is reported once, after it goes quiet', async () => {
  const root = join(work.path, 'burst');
  mkdirSync(join(root, 'a'), { recursive: true });
  let changes = 0;
  const watcher = watchLibrary({ root, onChange: () => (changes += 1), quietMs: 300, maxDelayMs: 10_000, rescanMs: 0 });
  try {
    await watcher.ready();
    assert.equal(watcher.watchedFolders(), 2);
    for (let i = 0; i < 20; i++) writeFileSync(join(root, 'a', `${i}.jpg`), String(i));
    await waitFor('the burst reported', () => changes > 0);
    assert.equal(changes, 1);
    // A folder created later is watched after the report, and a file in it is reported too.
    mkdirSync(join(root, 'a', 'b'));
    await waitFor('the new folder watched', () => watcher.watchedFolders() === 3 && changes === 2);
    writeFileSync(join(root, 'a', 'b', 'late.jpg'), 'x');
    await waitFor('the file in the new folder reported', () => changes === 3);
  } finally {
    watcher.close();
  }
});

test('hidden and ignored files are not changes; a visible one after them is', async () => {
  const root = join(work.path, 'ignored');
  mkdirSync(root, { recursive: true });
  const seen: number[] = [];
  const watcher = watchLibrary({
    root,
    onChange: () => seen.push(Date.now()),
    quietMs: 100,
    rescanMs: 0,
    ignore: (path) => path.startsWith(join(root, 'catalog.db')),
  });
  try {
    await watcher.ready();
    assert.equal(watcher.watchedFolders(), 1);
    writeFileSync(join(root, '.thumbs.jpg'), 'x');
    writeFileSync(join(root, 'catalog.db-wal'), 'x');
    const visibleAt = Date.now();
    writeFileSync(join(root, 'photo.jpg'), 'x');
    await waitFor('the visible file reported', () => seen.length > 0);
    // Had the hidden or ignored writes counted, a report could come only from them; one report, after the visible write.
    assert.equal(seen.length, 1);
    assert.ok(seen[0]! >= visibleAt);
  } finally {
    watcher.close();
  }
});

test('without events (a network drive), the periodic rescan finds a new file', async () => {
  const root = join(work.path, 'network');
  mkdirSync(root, { recursive: true });
  let changes = 0;
  const watcher = watchLibrary({ root, onChange: () => (changes += 1), quietMs: 50, rescanMs: 200, useEvents: false });
  try {
    await watcher.ready();
    assert.equal(watcher.watchedFolders(), 0);
    writeFileSync(join(root, 'photo.jpg'), 'x');
    await waitFor('the rescan to report the file', () => changes === 1);
  } finally {
    watcher.close();
  }
});

test('requests during a run collapse into exactly one more run', async () => {
  const started: number[] = [];
  const releases: (() => void)[] = [];
  const queue = rerunQueue(
    () =>
      new Promise<void>((resolve) => {
        started.push(Date.now());
        releases.push(resolve);
      }),
    (error) => assert.fail(String(error)),
  );
  queue.request();
  queue.request();
  queue.request();
  assert.equal(started.length, 1);
  releases.shift()!();
  await waitFor('the queued run', () => started.length === 2);
  releases.shift()!();
  await queue.idle();
  assert.equal(started.length, 2);
  queue.close();
  queue.request();
  assert.equal(started.length, 2);
});
