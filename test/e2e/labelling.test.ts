/**
 * Labelling end to end, in Debian's Chromium against `fieldmark serve`, as a birder would: label
 * one photo with the keyboard through the picker, bulk-label a Shift-range, undo and redo, back
 * off to a genus when unsure of the species, review by disagreement, export the CSV from the UI,
 * look closely in the viewer. The model is a small seeded network over the CUB-200 label set, so
 * the picker shows the real bird taxonomy. Also takes the README's labelling screenshot.
 */
import assert from 'node:assert/strict';
import { readFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { recordApp, test, waitUntil } from './e2e-test.js';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { repoRoot } from '../helpers/paths.js';
import { createFixture, type E2eFixture } from './fixture.js';
import { chromiumTarget, type AppUnderTest } from './targets.js';

const TIMEOUT = 60_000;
const skipReason = chromiumTarget.unavailableReason();
if (skipReason) process.stdout.write(`# e2e labelling: skipped: ${skipReason}\n`);

const tileAt = (page: Page, index: number) => page.locator(`[data-testid=grid-tile][data-index="${index}"]`);
const labelAt = (page: Page, index: number) => tileAt(page, index).locator('[data-testid=tile-label]');

/** The label a tile shows, read in one step in the page (tiles re-render as labels change). */
async function labelOf(page: Page, index: number): Promise<string | null> {
  const labels = await labelAt(page, index).evaluateAll((items) =>
    items.map((item) => item.getAttribute('data-label')),
  );
  return labels[0] ?? null;
}

async function waitForLabel(page: Page, index: number, expected: string | null): Promise<void> {
  await waitUntil(`tile ${index} is labelled ${expected}`, async () => (await labelOf(page, index)) === expected);
}

async function count(page: Page, testId: string, attribute: string): Promise<number> {
  return Number(await page.locator(`[data-testid=${testId}]`).first().getAttribute(attribute));
}

/** Opens the picker, types, and chooses the option with this label and rank. */
async function pick(page: Page, query: string, label: string, rank = 'species'): Promise<void> {
  await page.keyboard.press('l');
  const input = page.locator('[data-testid=label-picker]');
  await input.waitFor({ timeout: TIMEOUT });
  await input.fill(query);
  const options = page.locator('[data-testid=label-option]');
  await waitUntil(
    `the picker lists ${label} (${rank})`,
    async () =>
      (await page.locator(`[data-testid=label-option][data-label="${label}"][data-rank="${rank}"]`).count()) > 0,
  );
  // Walk to the option with the keyboard, as a user would: ↓ until it is active, then Enter.
  const position = await options.evaluateAll(
    (items, wanted) =>
      items.findIndex(
        (item) => item.getAttribute('data-label') === wanted.label && item.getAttribute('data-rank') === wanted.rank,
      ),
    { label, rank },
  );
  for (let i = 0; i < position; i++) await input.press('ArrowDown');
  await input.press('Enter');
  await input.waitFor({ state: 'detached', timeout: TIMEOUT });
}

// A file's tests share one library and app, in order.
test.describe.configure({ mode: 'serial' });

test.describe('labelling in the browser', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  let fixture: E2eFixture;
  let app: AppUnderTest;
  let page: Page;

  test.beforeAll(async () => {
    fixture = await createFixture('labelling', { model: 'seeded-cub', cifarCount: 20 });
    app = await chromiumTarget.launch(fixture);
    recordApp(app);
    page = app.page;
    const indexedAll = async () =>
      (await count(page, 'library-stats', 'data-indexed')) + (await count(page, 'library-stats', 'data-failed')) ===
      fixture.total;
    await waitUntil('indexing has finished', indexedAll, 120_000);
    // The bird photos only, in name order.
    await page.locator('[data-testid=path-search]').fill('birds/');
    await waitUntil('only birds are shown', async () => (await count(page, 'grid', 'data-total')) === 40);
  });

  test.afterAll(async () => {
    recordApp(null);
    await app?.close();
    await fixture?.cleanup();
  });

  test('labels one image with the keyboard through the picker', async () => {
    await tileAt(page, 0).click();
    assert.equal(await count(page, 'selection-count', 'data-count'), 1);
    await pick(page, 'cardinal', 'Cardinal');
    await waitForLabel(page, 0, 'Cardinal');
    await waitUntil(
      'the detail panel shows the manual label',
      async () => (await page.locator('[data-testid=detail-label]').getAttribute('data-label')) === 'Cardinal',
    );
    assert.equal(await page.locator('[data-testid=detail-label]').getAttribute('data-source'), 'manual');
    await waitUntil(
      'the counts say one labelled',
      async () => (await count(page, 'library-stats', 'data-labelled')) === 1,
    );
  });

  test('fuzzy search finds species by scientific name and CUB id', async () => {
    await page.keyboard.press('l');
    const input = page.locator('[data-testid=label-picker]');
    await input.fill('Cardinalis cardinalis');
    await waitUntil(
      'the scientific name finds the cardinal',
      async () => (await page.locator('[data-testid=label-option]').first().getAttribute('data-label')) === 'Cardinal',
    );
    await input.fill('017');
    await waitUntil(
      'the CUB id 017 finds the cardinal',
      async () => (await page.locator('[data-testid=label-option]').first().getAttribute('data-label')) === 'Cardinal',
    );
    await input.fill('icterid');
    await waitUntil(
      'a family name lists the family first (back-off)',
      async () => (await page.locator('[data-testid=label-option]').first().getAttribute('data-rank')) === 'family',
    );
    await input.press('Escape');
    await input.waitFor({ state: 'detached', timeout: TIMEOUT });
  });

  test('bulk-labels a Shift-range, then undoes and redoes it as one step', async () => {
    await tileAt(page, 1).click();
    await tileAt(page, 5).click({ modifiers: ['Shift'] });
    await waitUntil('five images are selected', async () => (await count(page, 'selection-count', 'data-count')) === 5);
    await pick(page, 'blue jay', 'Blue_Jay');
    for (let index = 1; index <= 5; index++) await waitForLabel(page, index, 'Blue_Jay');
    await waitUntil('six labelled', async () => (await count(page, 'library-stats', 'data-labelled')) === 6);
    await page.keyboard.press('Control+z');
    for (let index = 1; index <= 5; index++) await waitForLabel(page, index, null);
    assert.equal(await labelOf(page, 0), 'Cardinal', 'undo takes back only the last step');
    await page.keyboard.press('Control+Shift+z');
    for (let index = 1; index <= 5; index++) await waitForLabel(page, index, 'Blue_Jay');
  });

  test('backs off to a genus when unsure of the species', async () => {
    await tileAt(page, 6).click();
    await pick(page, 'cardinalis', 'Cardinalis', 'genus');
    await waitForLabel(page, 6, 'Cardinalis');
    assert.equal(await labelAt(page, 6).getAttribute('data-rank'), 'genus');
  });

  let acceptedPath: string | null = null;
  test('accepts the top-1 prediction and the k-th prediction with a key', async () => {
    await tileAt(page, 7).click();
    acceptedPath = await tileAt(page, 7).getAttribute('data-path');
    const predicted = await tileAt(page, 7).locator('[data-testid=tile-prediction]').getAttribute('data-class-index');
    assert.notEqual(predicted, null);
    await page.keyboard.press('a');
    await waitUntil('tile 7 has a label', async () => (await labelOf(page, 7)) !== null);
    assert.equal(await labelAt(page, 7).getAttribute('data-source'), 'accepted');
    assert.equal(
      await labelAt(page, 7).getAttribute('data-disagree'),
      'false',
      'an accepted top-1 agrees with the prediction',
    );
    await tileAt(page, 8).click();
    await page.locator('[data-testid=detail-topk] > [data-class-index]').first().waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('2');
    await waitUntil('tile 8 has its second prediction as label', async () => (await labelOf(page, 8)) !== null);
    assert.equal(
      await labelAt(page, 8).getAttribute('data-disagree'),
      'true',
      'the second prediction differs from the top-1',
    );
  });

  test('filters by disagreement between label and prediction', async () => {
    await page.locator('[data-testid=filter-disagree]').click();
    await waitUntil('only disagreeing images are shown', async () => {
      const tiles = await page.locator('[data-testid=grid-tile]').count();
      const disagree = await page
        .locator('[data-testid=grid-tile] [data-testid=tile-label][data-disagree=true]')
        .count();
      return tiles > 0 && tiles === disagree && (await count(page, 'grid', 'data-total')) === tiles;
    });
    // The cardinal, the five jays, tile 8 and the genus back-off (unless the seeded model happens to
    // predict a Cardinalis) were labelled against a seeded (random) model; the accepted top-1 agrees.
    const shown = await page.locator('[data-testid=grid-tile]').count();
    assert.ok(shown >= 6 && shown <= 8, `${shown} disagreeing images`);
    const paths = await page
      .locator('[data-testid=grid-tile]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-path')));
    assert.ok(!paths.includes(acceptedPath), 'the accepted top-1 is no disagreement');
    await page.locator('[data-testid=filter-disagree]').click();
    await waitUntil('the filter is off again', async () => (await count(page, 'grid', 'data-total')) === 40);
  });

  test('n jumps to the next unlabelled image', async () => {
    await tileAt(page, 0).click();
    await page.keyboard.press('n');
    await waitUntil(
      'the focus is on the first unlabelled bird (index 9)',
      async () => (await page.locator('[data-testid=grid-tile][data-focused=true]').getAttribute('data-index')) === '9',
    );
  });

  test('the viewer opens the original at fit and zooms', async () => {
    await page.keyboard.press('v');
    const viewer = page.locator('[data-testid=viewer]');
    await viewer.waitFor({ timeout: TIMEOUT });
    await waitUntil('the full image has loaded', async () =>
      viewer.locator('img').evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0),
    );
    const natural = await viewer
      .locator('img')
      .evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth);
    assert.ok(natural > 200, `the viewer shows the original (${natural} px wide), not the 256 px thumbnail`);
    const fit = Number(await viewer.getAttribute('data-zoom'));
    await page.keyboard.press('+');
    await waitUntil('zoomed in', async () => Number(await viewer.getAttribute('data-zoom')) > fit * 1.2);
    await page.keyboard.press('0');
    await waitUntil('back to fit', async () => (await viewer.getAttribute('data-fit')) === 'true');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached', timeout: TIMEOUT });
  });

  test('exports the labels as CSV from the UI', async () => {
    await page.keyboard.press('b');
    await page.locator('[data-testid=label-counts] [data-label=Blue_Jay]').waitFor({ timeout: TIMEOUT });
    assert.equal(
      await page.locator('[data-testid=label-counts] [data-label=Blue_Jay]').getAttribute('data-count'),
      '5',
    );
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: TIMEOUT }),
      page.locator('[data-testid=export-csv]').click(),
    ]);
    const file = await download.path();
    const csv = await readFile(file, 'utf8');
    const [header, ...rows] = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    assert.match(header ?? '', /^path,label,label_source,label_rank,/);
    assert.equal(rows.filter((row) => row.includes(',Blue_Jay,manual,species,')).length, 5, csv.slice(0, 2000));
    assert.equal(rows.filter((row) => row.includes(',Cardinalis,manual,genus,')).length, 1);
    if (process.env.FIELDMARK_UPDATE_SCREENSHOT === '1' || !process.env.CI) {
      // The README's labelling screenshot: labelled tiles, the labels panel and the picker open.
      await page.keyboard.press('Escape');
      await tileAt(page, 9).click();
      await page.keyboard.press('b');
      await page.keyboard.press('l');
      await page.locator('[data-testid=label-picker]').fill('warbler');
      await waitUntil(
        'warblers are listed',
        async () => (await page.locator('[data-testid=label-option]').count()) > 3,
      );
      await waitUntil('every image has loaded', async () =>
        page
          .locator('img')
          .evaluateAll((images) => images.every((image) => (image as unknown as { complete: boolean }).complete)),
      );
      const target =
        process.env.FIELDMARK_UPDATE_SCREENSHOT === '1'
          ? join(repoRoot, 'docs', 'labelling.png')
          : join(repoRoot, 'test-results', 'labelling.png');
      await mkdir(dirname(target), { recursive: true });
      await sharp(await page.screenshot())
        .png({ palette: true, quality: 85, effort: 8 })
        .toFile(target);
      await page.keyboard.press('Escape');
    }
  });
});
