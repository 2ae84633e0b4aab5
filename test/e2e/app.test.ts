/**
 * End-to-end specs for the Fieldmark UI, one set run against each target (chromium + serve,
 * electron). The scenarios follow a person: open the library, pause and resume the indexing,
 * check the counts, read predictions, walk with the keyboard, filter by class. The chromium run
 * also checks that `serve` refuses requests without its token and writes docs/screenshot.png.
 */
import assert from 'node:assert/strict';
import { keepsHolding, recordApp, test, waitUntil, waitUntilSteady } from './e2e-test.js';
import type { Page } from '@playwright/test';
import {
  BROKEN_PHOTOS,
  CIFAR10_CLASSES,
  EXPECTED_FAILED,
  EXPECTED_TOTAL,
  createFixture,
  type E2eFixture,
} from './fixture.js';
import { TARGETS, type AppUnderTest } from './targets.js';
import { websocketUpgradeStatus } from '../helpers/websocket-status.js';

const WAIT = { timeout: 60_000 };

async function attributeOrNull(page: Page, selector: string, name: string): Promise<string | null> {
  const locator = page.locator(selector).first();
  return (await locator.count()) === 0 ? null : locator.getAttribute(name);
}

function waitForAttribute(page: Page, selector: string, name: string, expected: string | null): Promise<void> {
  return waitUntil(
    `${selector} has ${name}="${expected}"`,
    async () => (await attributeOrNull(page, selector, name)) === expected,
  );
}

async function attribute(page: Page, selector: string, name: string): Promise<string> {
  const value = await page.locator(selector).first().getAttribute(name);
  assert.notEqual(value, null, `${selector} has no ${name} attribute`);
  return value!;
}

async function numberAttribute(page: Page, selector: string, name: string): Promise<number> {
  return Number(await attribute(page, selector, name));
}

// A file's tests share one library and app, in order.
test.describe.configure({ mode: 'serial' });

for (const target of TARGETS) {
  const skipReason = target.unavailableReason();
  if (skipReason) process.stdout.write(`# e2e ${target.name}: skipped: ${skipReason}\n`);

  test.describe(`fieldmark app on ${target.name}`, () => {
    test.skip(skipReason !== null, skipReason ?? '');
    let fixture: E2eFixture;
    let app: AppUnderTest;
    let page: Page;

    test.beforeAll(async () => {
      fixture = await createFixture(target.name);
      app = await target.launch(fixture);
      recordApp(app);
      page = app.page;
    });

    test.afterAll(async () => {
      recordApp(null);
      await app?.close();
      await fixture?.cleanup();
    });

    test('opens the library and shows the grid', async () => {
      await page.locator('[data-testid=grid-tile]').first().waitFor(WAIT);
      await waitForAttribute(page, '[data-testid=library-stats]', 'data-total', String(EXPECTED_TOTAL));
      const firstPath = await attribute(page, '[data-testid=grid-tile]', 'data-path');
      assert.match(
        firstPath,
        /^birds\/001\.Black_footed_Albatross__\d+\.jpg$/,
        'sorted by name, the first tile is the first bird',
      );
      const gridTotal = await numberAttribute(page, '[data-testid=grid]', 'data-total');
      assert.equal(gridTotal, EXPECTED_TOTAL);
      const rendered = await page.locator('[data-testid=grid-tile]').count();
      assert.ok(
        rendered > 0 && rendered < 200,
        `the grid is virtualised: ${rendered} tiles in the DOM for ${EXPECTED_TOTAL} images`,
      );
    });

    test('pausing stops progress and resuming finishes', async () => {
      const progress = '[data-testid=indexing-progress]';
      await waitUntil(
        'indexing runs and has done some images',
        async () =>
          (await attributeOrNull(page, progress, 'data-state')) === 'running' &&
          Number(await attributeOrNull(page, progress, 'data-done')) > 0,
      );
      await page.locator('[data-testid=indexing-pause]').click();
      await waitForAttribute(page, progress, 'data-state', 'paused');
      // The batch in flight when pausing is saved; after that nothing may move.
      const doneAtPause = await waitUntilSteady(
        'the progress after pausing',
        () => numberAttribute(page, progress, 'data-done'),
        400,
      );
      const indexedAtPause = await numberAttribute(page, '[data-testid=library-stats]', 'data-indexed');
      await keepsHolding(
        'no progress and no new results while paused',
        async () =>
          (await numberAttribute(page, progress, 'data-done')) === doneAtPause &&
          (await numberAttribute(page, '[data-testid=library-stats]', 'data-indexed')) === indexedAtPause,
        1500,
      );
      assert.ok(doneAtPause < EXPECTED_TOTAL, `paused before the end (${doneAtPause} of ${EXPECTED_TOTAL})`);
      await page.locator('[data-testid=indexing-resume]').click();
      await waitForAttribute(page, progress, 'data-state', 'finished');
    });

    test('indexing completes with the right counts', async () => {
      await waitForAttribute(page, '[data-testid=indexing-progress]', 'data-state', 'finished');
      await waitForAttribute(page, '[data-testid=library-stats]', 'data-total', String(EXPECTED_TOTAL));
      await waitForAttribute(
        page,
        '[data-testid=library-stats]',
        'data-indexed',
        String(EXPECTED_TOTAL - EXPECTED_FAILED),
      );
      await waitForAttribute(page, '[data-testid=library-stats]', 'data-failed', String(EXPECTED_FAILED));
      assert.equal(await numberAttribute(page, '[data-testid=indexing-progress]', 'data-failed'), EXPECTED_FAILED);
      await page.keyboard.press('i');
      const errors = page.locator('[data-testid=error-list] li');
      await errors.first().waitFor(WAIT);
      assert.equal(await errors.count(), EXPECTED_FAILED);
      const paths = await errors.evaluateAll((items) => items.map((item) => item.getAttribute('data-path')));
      assert.deepEqual([...paths].sort(), BROKEN_PHOTOS.map((name) => `photos/${name}`).sort());
      const kinds = await errors.evaluateAll((items) => items.map((item) => item.getAttribute('data-kind') ?? ''));
      for (const kind of kinds)
        assert.match(kind, /^(EmptyFile|NotAnImage|DecodeFailed|UnsupportedFormat|ReadFailed)$/);
      await page.keyboard.press('Escape');
    });

    test('tiles show predictions and thumbnails', async () => {
      await waitUntil(
        'more than 10 tiles show a prediction',
        async () => (await page.locator('[data-testid=tile-prediction][data-state=predicted]').count()) > 10,
      );
      const predictions = await page
        .locator('[data-testid=grid-tile] [data-testid=tile-prediction]')
        .evaluateAll((items) =>
          items.map((item) => ({
            state: item.getAttribute('data-state'),
            classIndex: item.getAttribute('data-class-index'),
            text: item.textContent ?? '',
          })),
        );
      assert.ok(predictions.length > 10);
      for (const prediction of predictions) {
        assert.equal(prediction.state, 'predicted', 'every bird tile on the first screen has a prediction');
        const name = CIFAR10_CLASSES[Number(prediction.classIndex)];
        assert.ok(
          name && prediction.text.includes(name),
          `tile text "${prediction.text}" names class ${prediction.classIndex}`,
        );
        assert.match(prediction.text, /\d+%/);
      }
      const naturalWidth = () =>
        page
          .locator('[data-testid=grid-tile] img')
          .first()
          .evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth);
      await waitUntil('the first thumbnail has loaded', async () => (await naturalWidth()) > 0);
      const width = await naturalWidth();
      assert.ok(width > 0 && width <= 256, `thumbnail width ${width} is at most 256`);
    });

    test('clicking a tile shows the top-5', async () => {
      const tile = page.locator('[data-testid=grid-tile]').nth(2);
      const path = await tile.getAttribute('data-path');
      await tile.click();
      await waitForAttribute(page, '[data-testid=detail-panel]', 'data-path', path);
      const entries = page.locator('[data-testid=detail-topk] > [data-class-index]');
      await entries.first().waitFor(WAIT);
      assert.equal(await entries.count(), 5);
      const probs = await entries.evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-prob'))));
      for (let i = 1; i < probs.length; i++) assert.ok(probs[i - 1]! >= probs[i]!, `top-5 sorted: ${probs.join(', ')}`);
      const indices = await entries.evaluateAll((items) =>
        items.map((item) => Number(item.getAttribute('data-class-index'))),
      );
      assert.equal(new Set(indices).size, 5);
      const tileClass = await tile.locator('[data-testid=tile-prediction]').getAttribute('data-class-index');
      assert.equal(String(indices[0]), tileClass, 'the tile shows the top-1 of the detail panel');
    });

    test('arrow keys move the selection and the detail follows', async () => {
      const columns = await numberAttribute(page, '[data-testid=grid]', 'data-columns');
      const pathAt = (index: number) =>
        page.locator(`[data-testid=grid-tile][data-index="${index}"]`).getAttribute('data-path');
      const detailPath = () => page.locator('[data-testid=detail-panel]').getAttribute('data-path');
      const expectDetail = (expected: string | null) =>
        waitForAttribute(page, '[data-testid=detail-panel]', 'data-path', expected);
      await page.keyboard.press('ArrowRight');
      await expectDetail(await pathAt(3));
      await page.keyboard.press('ArrowDown');
      await expectDetail(await pathAt(3 + columns));
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowUp');
      await expectDetail(await pathAt(2));
      assert.equal(await page.locator('[data-testid=grid-tile][aria-selected=true]').getAttribute('data-index'), '2');
      await page.keyboard.press('Escape');
      await page.locator('[data-testid=detail-panel]').waitFor({ state: 'detached', ...WAIT });
      await page.keyboard.press('Enter');
      await expectDetail(await pathAt(2));
      assert.equal(await detailPath(), await pathAt(2));
      await page.keyboard.press('?');
      await page.locator('[data-testid=help-overlay]').waitFor(WAIT);
      await page.keyboard.press('Escape');
      await page.locator('[data-testid=help-overlay]').waitFor({ state: 'detached', ...WAIT });
    });

    test('filtering by class narrows the grid', async () => {
      await page.keyboard.press('p');
      const bars = page.locator('[data-testid=class-distribution] [data-class-index]');
      await bars.first().waitFor(WAIT);
      const distribution = await bars.evaluateAll((items) =>
        items.map((item) => ({
          index: Number(item.getAttribute('data-class-index')),
          count: Number(item.getAttribute('data-count')),
        })),
      );
      const counted = distribution.reduce((sum, entry) => sum + entry.count, 0);
      assert.equal(counted, EXPECTED_TOTAL - EXPECTED_FAILED, 'every indexed image is in the class distribution');
      const chosen = [...distribution].sort((a, b) => a.count - b.count)[0]!;
      const name = CIFAR10_CLASSES[chosen.index]!;
      await page.locator('[data-testid=class-filter]').fill(name);
      await page.keyboard.press('Enter');
      await waitForAttribute(page, '[data-testid=grid]', 'data-total', String(chosen.count));
      assert.ok(chosen.count < EXPECTED_TOTAL);
      await waitUntil('the grid shows only the filtered tiles', async () => {
        const tiles = await page.locator('[data-testid=grid-tile]').count();
        return tiles > 0 && tiles <= chosen.count;
      });
      const shown = await page
        .locator('[data-testid=grid-tile] [data-testid=tile-prediction]')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-class-index')));
      assert.ok(shown.length > 0 && shown.length <= chosen.count);
      for (const index of shown) assert.equal(index, String(chosen.index), `every tile shown is a ${name}`);
      await page.locator('[data-testid=class-filter-clear]').click();
      await waitForAttribute(page, '[data-testid=grid]', 'data-total', String(EXPECTED_TOTAL));
    });

    test('settings show the device in use', async () => {
      await page.keyboard.press(',');
      await page.locator('[data-testid=settings]').waitFor(WAIT);
      const provider = await page.locator('[data-testid=settings-provider]').textContent();
      assert.match(provider ?? '', /In use: (cpu|cuda|dml|coreml|webgpu)/i);
      assert.equal(await page.locator('[data-testid=settings-batch]').inputValue(), '1');
      await page.keyboard.press('Escape');
    });

    test('requests without the token are refused', async () => {
      test.skip(target.name !== 'chromium', 'the desktop app has no HTTP server');
      const server = app.server!;
      const base = `http://127.0.0.1:${server.port}`;
      assert.equal((await fetch(`${base}/`)).status, 401);
      assert.equal((await fetch(`${base}/app.js`)).status, 401);
      assert.equal((await fetch(`${base}/thumb/1`)).status, 401);
      assert.equal((await fetch(`${base}/?token=wrong-token`)).status, 403);
      assert.equal(
        (await fetch(`${base}/thumb/1`, { headers: { authorization: `Bearer ${server.token}` } })).status,
        200,
      );
      assert.equal(
        (await fetch(`${base}/thumb/999999`, { headers: { authorization: `Bearer ${server.token}` } })).status,
        404,
        'only catalogued images are served',
      );
      const ws = `ws://127.0.0.1:${server.port}/ws`;
      assert.equal(await websocketUpgradeStatus(ws, base), 401, 'websocket without token');
      assert.equal(
        await websocketUpgradeStatus(`${ws}?token=${server.token}`, 'http://evil.example'),
        403,
        'websocket from another origin',
      );
      assert.equal(
        await websocketUpgradeStatus(`${ws}?token=${server.token}`, undefined),
        403,
        'websocket without origin',
      );
      assert.equal(
        await websocketUpgradeStatus(`${ws}?token=${server.token}`, base),
        101,
        'websocket with token and own origin',
      );
    });
  });
}
