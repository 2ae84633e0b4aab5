/**
 * Library in sync, end to end (issue 12): with the library open in Debian's Chromium against
 * `fieldmark serve`, a photo copied into a new folder shows up in the counts and the grid without
 * any click, and a deleted one leaves them, as the user sees it.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { recordApp, test, waitUntil } from './e2e-test.js';
import type { Page } from '@playwright/test';
import { referencePath } from '../helpers/paths.js';
import { createFixture, type E2eFixture } from './fixture.js';
import { chromiumTarget, type AppUnderTest } from './targets.js';

const skipReason = chromiumTarget.unavailableReason();
if (skipReason) process.stdout.write(`# e2e library-watch: skipped: ${skipReason}\n`);

async function count(page: Page, testId: string, attribute: string): Promise<number> {
  return Number(await page.locator(`[data-testid=${testId}]`).first().getAttribute(attribute));
}

// A file's tests share one library and app, in order.
test.describe.configure({ mode: 'serial' });

test.describe('e2e: the open library follows its folder', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  let fixture: E2eFixture;
  let app: AppUnderTest | undefined;
  let page: Page;

  test.beforeAll(async () => {
    fixture = await createFixture('library-watch', { cifarCount: 10 });
    app = await chromiumTarget.launch(fixture);
    recordApp(app);
    page = app.page;
    const done = async () =>
      (await count(page, 'library-stats', 'data-indexed')) + (await count(page, 'library-stats', 'data-failed')) ===
      fixture.total;
    await waitUntil('indexing has finished', done, 120_000);
  });

  test.afterAll(async () => {
    recordApp(null);
    await app?.close();
    await fixture?.cleanup();
  });

  test('shows a photo added to the folder, then lets a deleted one go', async () => {
    const spare = (await readdir(referencePath('birds', 'images')))
      .filter((name) => name.endsWith('.jpg'))
      .sort()
      .at(-1)!;
    await mkdir(join(fixture.library, 'incoming'));
    await copyFile(referencePath('birds', 'images', spare), join(fixture.library, 'incoming', 'new.jpg'));
    await waitUntil(
      'the counts include the new photo',
      async () =>
        (await count(page, 'library-stats', 'data-total')) === fixture.total + 1 &&
        (await count(page, 'library-stats', 'data-pending')) === 0,
    );
    await waitUntil(
      'the grid grows by one without a click',
      async () => (await count(page, 'grid', 'data-total')) === fixture.total + 1,
    );
    await page.locator('[data-testid=path-search]').fill('incoming/');
    await waitUntil('the grid shows the new photo', async () => (await count(page, 'grid', 'data-total')) === 1);
    assert.equal(await page.locator('[data-testid=grid-tile]').first().getAttribute('title'), 'incoming/new.jpg');

    await rm(join(fixture.library, 'incoming', 'new.jpg'));
    await waitUntil(
      'the counts no longer include it',
      async () => (await count(page, 'library-stats', 'data-total')) === fixture.total,
    );
    await waitUntil('the grid no longer shows it', async () => (await count(page, 'grid', 'data-total')) === 0);
  });
});
