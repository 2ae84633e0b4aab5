/**
 * Learning from labels end to end, in Debian's Chromium against `fieldmark serve`, with the
 * pretrained CIFAR-10 ResNet-20: label a few images through the picker, train from them, see the
 * new model's predictions on the tiles, open the evaluation view and click a confusion cell to
 * see its images in the grid; then propagate labels and reject the suggestions.
 */
import assert from 'node:assert/strict';
import { recordApp, test, waitUntil } from './e2e-test.js';
import type { Page } from '@playwright/test';
import { createFixture, type E2eFixture } from './fixture.js';
import { chromiumTarget, type AppUnderTest } from './targets.js';

const TIMEOUT = 60_000;
const skipReason = chromiumTarget.unavailableReason();
if (skipReason) process.stdout.write(`# e2e learning: skipped: ${skipReason}\n`);

const tileAt = (page: Page, index: number) => page.locator(`[data-testid=grid-tile][data-index="${index}"]`);

async function count(page: Page, testId: string, attribute: string): Promise<number> {
  return Number(await page.locator(`[data-testid=${testId}]`).first().getAttribute(attribute));
}

async function pick(page: Page, label: string): Promise<void> {
  await page.keyboard.press('l');
  const input = page.locator('[data-testid=label-picker]');
  await input.waitFor({ timeout: TIMEOUT });
  await input.fill(label);
  const option = page.locator(`[data-testid=label-option][data-label="${label}"]`).first();
  await option.waitFor({ timeout: TIMEOUT });
  await option.click();
  await input.waitFor({ state: 'detached', timeout: TIMEOUT });
}

// A file's tests share one library and app, in order.
test.describe.configure({ mode: 'serial' });

test.describe('learning from labels in the browser', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  let fixture: E2eFixture;
  let app: AppUnderTest;
  let page: Page;

  test.beforeAll(async () => {
    fixture = await createFixture('learning', { model: 'akamaster-r20' });
    app = await chromiumTarget.launch(fixture);
    recordApp(app);
    page = app.page;
    const indexedAll = async () =>
      (await count(page, 'library-stats', 'data-indexed')) + (await count(page, 'library-stats', 'data-failed')) ===
      fixture.total;
    await waitUntil('indexing has finished', indexedAll, 120_000);
    await page.locator('[data-testid=path-search]').fill('cifar/');
    await waitUntil('only CIFAR images are shown', async () => (await count(page, 'grid', 'data-total')) === 500);
  });

  test.afterAll(async () => {
    recordApp(null);
    await app?.close();
    await fixture?.cleanup();
  });

  test("labels a few images, trains from them and shows the new model's predictions", async () => {
    // CIFAR-10 test files sort by class: tiles 0-49 are airplanes, 50-99 automobiles (every 20th image).
    const labelName = async (index: number) =>
      ((await tileAt(page, index).getAttribute('data-path')) ?? '').match(/_(\d)\.jpg$/)?.[1];
    assert.equal(await labelName(0), '0');
    await tileAt(page, 0).click();
    await tileAt(page, 2).click({ modifiers: ['Shift'] });
    await pick(page, 'airplane');
    await page.locator('[data-testid=path-search]').fill('cifar/014');
    await waitUntil('automobiles are shown', async () => (await labelName(0)) === '1');
    await tileAt(page, 0).click();
    await tileAt(page, 2).click({ modifiers: ['Shift'] });
    await pick(page, 'automobile');
    await waitUntil('six labelled', async () => (await count(page, 'library-stats', 'data-labelled')) === 6);

    await page.locator('[data-testid=train-model]').click();
    await page.locator('[data-testid=train-result]').waitFor({ timeout: TIMEOUT });
    const modelId = await page.locator('[data-testid=train-result]').getAttribute('data-model');
    assert.ok(modelId && modelId.length > 0);
    await waitUntil('the app runs the trained model (custom label set)', async () =>
      ((await page.locator('.model-chip').first().textContent()) ?? '').includes('custom'),
    );
    await page.locator('[data-testid=path-search]').fill('cifar/');
    await waitUntil("tiles show the new model's two classes", async () => {
      const names = await page
        .locator('[data-testid=tile-prediction][data-state=predicted] .class-name')
        .allTextContents();
      return names.length > 5 && names.every((name) => name === 'airplane' || name === 'automobile');
    });
  });

  test("opens the evaluation view and shows a confusion cell's images in the grid", async () => {
    await page.locator('[data-testid=open-evaluation]').click();
    const view = page.locator('[data-testid=evaluation-view] [data-testid=confusion-matrix]');
    await view.waitFor({ timeout: TIMEOUT });
    assert.equal(await view.getAttribute('data-classes'), 'airplane|automobile');
    const top1 = Number(await page.locator('[data-testid=accuracy]').getAttribute('data-top1'));
    assert.ok(top1 > 0.5, `top-1 on the labelled images ${top1}`);
    const cell = page.locator('[data-testid=confusion-cell][data-true=airplane][data-predicted=airplane]');
    const cellCount = Number(await cell.getAttribute('data-count'));
    assert.ok(cellCount >= 1);
    await cell.click();
    await page.locator('[data-testid=evaluation-view]').waitFor({ state: 'detached', timeout: TIMEOUT });
    await waitUntil(
      `the grid shows the cell's ${cellCount} images`,
      async () => (await count(page, 'grid', 'data-total')) === cellCount,
    );
    const labels = await page
      .locator('[data-testid=tile-label]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-label')));
    assert.ok(labels.length === cellCount && labels.every((label) => label === 'airplane'), JSON.stringify(labels));
  });

  test('lists the labelled images by how likely their label is wrong, each with a suggestion', async () => {
    await page.locator('[data-testid=open-suspects]').click();
    const rows = page.locator('[data-testid=suspect-row]');
    await waitUntil('all six labelled images are ranked', async () => (await rows.count()) === 6);
    const first = rows.first();
    assert.notEqual(await first.getAttribute('data-suggested'), await first.getAttribute('data-label'));
    assert.ok(['airplane', 'automobile'].includes((await first.getAttribute('data-label')) ?? ''));
    await page.locator('[data-testid=suspects-view] button', { hasText: 'Close' }).click();
    await page.locator('[data-testid=suspects-view]').waitFor({ state: 'detached', timeout: TIMEOUT });
  });

  test("filters the grid to the suspects, most suspect first, and `g` gives the focused image's suggestion", async () => {
    await page.locator('[data-testid=open-suspects]').click();
    const rows = page.locator('[data-testid=suspect-row]');
    await waitUntil('the suspects are ranked', async () => (await rows.count()) === 6);
    const ranked = await rows.evaluateAll((items) =>
      items.map((item) => ({ path: item.getAttribute('data-path'), suggested: item.getAttribute('data-suggested') })),
    );
    await page.locator('[data-testid=suspects-view] button', { hasText: 'Close' }).click();
    await page.locator('[data-testid=suspects-view]').waitFor({ state: 'detached', timeout: TIMEOUT });

    const toggle = page.locator('[data-testid=filter-suspect]');
    await toggle.click();
    await waitUntil('the grid shows the six suspects', async () => (await count(page, 'grid', 'data-total')) === 6);
    await waitUntil('the grid is in the ranking order', async () => {
      const shown = await page.locator('[data-testid=grid-tile]').evaluateAll((tiles) =>
        tiles
          .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
          .map((tile) => ({
            path: tile.getAttribute('data-path'),
            suggested: tile.getAttribute('data-suggested'),
          })),
      );
      return JSON.stringify(shown) === JSON.stringify(ranked);
    });
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');

    const top = ranked[0]!;
    const topLabel = tileAt(page, 0).locator('[data-testid=tile-label]');
    assert.notEqual(await topLabel.getAttribute('data-label'), top.suggested);
    await tileAt(page, 0).click();
    await page.keyboard.press('g');
    await waitUntil(
      `the top tile is labelled ${top.suggested}`,
      async () => (await topLabel.getAttribute('data-label')) === top.suggested,
    );
    assert.equal(await tileAt(page, 0).getAttribute('data-path'), top.path, 'the relabelled image keeps its place');

    await toggle.click();
    await waitUntil(
      'the suspects filter is off',
      async () =>
        (await toggle.getAttribute('aria-pressed')) === 'false' &&
        (await page.locator('[data-testid=grid-tile][data-suggested]').count()) === 0,
    );
  });

  test('propagates labels as suggestions and rejects them in bulk', async () => {
    await page.locator('[data-testid=propagate]').click();
    await page.locator('[data-testid=suggestions]').waitFor({ timeout: TIMEOUT });
    const suggested = await count(page, 'suggestions', 'data-count');
    assert.ok(suggested > 0, `${suggested} suggestions`);
    await page.locator('[data-testid=suggestion-reject]').click();
    await page.locator('[data-testid=suggestions]').waitFor({ state: 'detached', timeout: TIMEOUT });
    await waitUntil(
      'only the six labels are left',
      async () => (await count(page, 'library-stats', 'data-labelled')) === 6,
    );
  });

  test('retrains with one keystroke (t)', async () => {
    const before = await page.locator('[data-testid=train-result]').getAttribute('data-model');
    await page.locator('[data-testid=grid]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('t');
    await waitUntil('a new model is trained', async () => {
      const now = await page
        .locator('[data-testid=train-result]')
        .getAttribute('data-model')
        .catch(() => null);
      return now !== null && now !== before;
    });
  });
});
