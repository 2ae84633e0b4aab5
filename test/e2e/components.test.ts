/**
 * Component tests: the selection count, the label picker and grid tiles mounted on their own in
 * Debian's Chromium (test/components/harness.tsx), over the app's real store and a real engine
 * (an in-process AppService over a small library, answering through the contract's dispatcher).
 * They pin each component's behaviour without the rest of the app around it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from '@playwright/test';
import { build } from 'esbuild';
import type { AppService } from '../../main/app/app-service.js';
import { dispatchRequest } from '../../main/contract/dispatch.js';
import type { ImageTile } from '../../main/contract/types.js';
import { repoRoot } from '../helpers/paths.js';
import { makeService, makeTestLibrary, type TestLibrary, openAndIndex } from '../engine/app-test-library.js';
import { recordApp, test, waitUntil } from './e2e-test.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumTarget, VIEWPORT } from './targets.js';

const skipReason = chromiumTarget.unavailableReason();
if (skipReason) process.stdout.write(`# e2e components: skipped: ${skipReason}\n`);
const harnessEntry = fileURLToPath(new URL('../components/harness.tsx', import.meta.url));

async function harnessPage(browser: Browser, service: AppService, consoleLog: string[]): Promise<Page> {
  const bundle = await build({
    entryPoints: [harnessEntry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'warning',
  });
  const css = await readFile(`${repoRoot}/renderer/static/app.css`, 'utf8');
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  await context.tracing.start({ screenshots: true, snapshots: true });
  const page = await context.newPage();
  page.on('console', (message) => consoleLog.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLog.push(`[pageerror] ${error.stack ?? error.message}`));
  // As over the WebSocket: JSON in, the dispatcher's validated reply out.
  await page.exposeBinding('fieldmarkCall', async (_source, method: unknown, input: unknown) =>
    JSON.parse(JSON.stringify(await dispatchRequest(service.handlers, method, input))),
  );
  service.onEvent((event) => {
    if (event.type === 'features') return; // binary frames; no mounted component reads them
    void page
      .evaluate((e) => (globalThis as unknown as { fieldmarkEvent(e: unknown): void }).fieldmarkEvent(e), event)
      .catch(() => undefined);
  });
  await page.setContent(
    `<!doctype html><html><head><style>${css}</style></head><body><div id="root"></div></body></html>`,
  );
  await page.addScriptTag({ type: 'module', content: bundle.outputFiles[0]!.text });
  return page;
}

test.describe.configure({ mode: 'serial' });

test.describe('renderer components over a real engine', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  let fixture: TestLibrary;
  let service: AppService;
  let browser: Browser;
  let page: Page;
  /** The engine's first tiles in the grid's default order (by name). */
  let firstTiles: ImageTile[];
  const consoleLog: string[] = [];
  const tile = (index: number) => page.locator(`[data-testid=grid-tile][data-index="${index}"]`);
  const selectionCount = async () =>
    Number(await page.locator('[data-testid=selection-count]').getAttribute('data-count'));

  test.beforeAll(async () => {
    fixture = await makeTestLibrary('components');
    service = makeService(fixture);
    assert.equal((await openAndIndex(service, fixture.library)).state, 'finished');
    firstTiles = (await service.handlers['images.list']({ sort: 'name', order: 'asc', offset: 0, limit: 6 })).items;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await harnessPage(browser, service, consoleLog);
    recordApp({
      page,
      server: null,
      logs: () => ({ 'console.log': consoleLog.join('\n') }),
      close: () => browser.close(),
    });
  });

  test.afterAll(async () => {
    recordApp(null);
    await browser?.close();
    await service?.close();
    await fixture?.cleanup();
  });

  test('tiles show the engine’s images in order, each with its top-1 class and confidence', async () => {
    await tile(5).waitFor();
    for (const [index, expected] of firstTiles.entries()) {
      assert.equal(await tile(index).getAttribute('data-path'), expected.relPath);
      const prediction = tile(index).locator('[data-testid=tile-prediction]');
      assert.equal(await prediction.getAttribute('data-state'), 'predicted');
      assert.equal(Number(await prediction.getAttribute('data-class-index')), expected.top1!.index);
      assert.equal(Number(await prediction.getAttribute('data-confidence')), Number(expected.top1!.prob.toFixed(4)));
    }
  });

  test('click selects one tile, Ctrl+click toggles more, and the count’s clear empties the selection', async () => {
    await tile(0).click();
    await waitUntil('one tile is selected', async () => (await selectionCount()) === 1);
    assert.equal(await tile(0).getAttribute('data-focused'), 'true');
    await tile(2).click({ modifiers: ['Control'] });
    await tile(3).click({ modifiers: ['Control'] });
    await waitUntil('three tiles are selected', async () => (await selectionCount()) === 3);
    await tile(2).click({ modifiers: ['Control'] });
    await waitUntil('tile 2 left the selection', async () => (await selectionCount()) === 2);
    assert.equal(await tile(2).getAttribute('data-selected'), 'false');
    assert.equal(await tile(3).getAttribute('data-selected'), 'true');
    await page.locator('[data-testid=selection-count] button', { hasText: 'clear' }).click();
    await waitUntil('the selection is empty', async () => (await selectionCount()) === 0);
  });

  test('the picker labels the selection; tiles show the label, marked where it differs from the prediction', async () => {
    await tile(1).click();
    await tile(4).click({ modifiers: ['Control'] });
    await waitUntil('two tiles are selected', async () => (await selectionCount()) === 2);
    await page.locator('[data-testid=selection-count] button', { hasText: 'Label' }).click();
    const input = page.locator('[data-testid=label-picker]');
    await input.fill('truck');
    const first = page.locator('[data-testid=label-option]').first();
    await waitUntil('truck is the first choice', async () => (await first.textContent())?.includes('truck') ?? false);
    await input.press('Enter');
    await input.waitFor({ state: 'detached' });
    for (const index of [1, 4]) {
      const label = tile(index).locator('[data-testid=tile-label]');
      await label.waitFor();
      assert.equal(await label.getAttribute('data-label'), 'truck');
      assert.equal(await label.getAttribute('data-source'), 'manual');
      const predicted = firstTiles[index]!.top1!.name;
      assert.equal(
        await label.getAttribute('data-disagree'),
        predicted === 'truck' ? 'false' : 'true',
        `tile ${index} is predicted ${predicted}`,
      );
    }
    assert.equal(await tile(0).locator('[data-testid=tile-label]').count(), 0, 'an unselected tile keeps no label');
  });

  test('Escape closes the picker without labelling', async () => {
    await tile(0).click();
    await page.locator('[data-testid=selection-count] button', { hasText: 'Label' }).click();
    const input = page.locator('[data-testid=label-picker]');
    await input.fill('cat');
    await input.press('Escape');
    await input.waitFor({ state: 'detached' });
    assert.equal(await tile(0).locator('[data-testid=tile-label]').count(), 0);
  });
});
