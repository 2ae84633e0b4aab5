/**
 * Similarity end to end in Debian's Chromium against `fieldmark serve`, with the pretrained
 * CIFAR-10 ResNet-20 (converted from ../shared/reference/weights): find similar from a tile, from
 * a 3-image selection (the key `s`), select the results above a threshold (Ctrl+A) and label them
 * with the picker (`l`), the near-duplicates panel on planted copies, and the map with a lasso.
 * Also takes the README's similarity screenshots.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { recordApp, test, waitUntil } from './e2e-test.js';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { repoRoot } from '../helpers/paths.js';
import { createFixture, type E2eFixture } from './fixture.js';
import { chromiumTarget, type AppUnderTest } from './targets.js';

const TIMEOUT = 60_000;
const CIFAR = 300;
const skipReason = chromiumTarget.unavailableReason();
if (skipReason) process.stdout.write(`# e2e similarity: skipped: ${skipReason}\n`);

let fixture: E2eFixture | null = null;
let app: AppUnderTest | null = null;
/** The planted near-duplicates: a bird photo and two copies (half size; recompressed at quality 35). */
let planted: string[] = [];

async function attribute(page: Page, testId: string, name: string): Promise<number> {
  return Number(await page.locator(`[data-testid=${testId}]`).first().getAttribute(name));
}

const results = (page: Page) => page.locator('[data-testid=similar-results] [data-testid=grid-tile]');

async function scores(page: Page): Promise<number[]> {
  return results(page).evaluateAll((tiles) => tiles.map((tile) => Number(tile.getAttribute('data-score'))));
}

async function paths(page: Page): Promise<string[]> {
  return results(page).evaluateAll((tiles) => tiles.map((tile) => tile.getAttribute('data-path') ?? ''));
}

async function waitForResults(page: Page): Promise<void> {
  await page
    .locator('[data-testid=similar-results][data-busy=false] [data-testid=grid-tile]')
    .first()
    .waitFor({ timeout: TIMEOUT });
}

async function screenshot(page: Page, name: string): Promise<void> {
  // Tests never dirty the work tree: docs/ is refreshed only with FIELDMARK_UPDATE_SCREENSHOT=1.
  const target =
    process.env.FIELDMARK_UPDATE_SCREENSHOT === '1'
      ? join(repoRoot, 'docs', name)
      : join(repoRoot, 'test-results', name);
  await mkdir(dirname(target), { recursive: true });
  await sharp(await page.screenshot())
    .png({ palette: true, quality: 85, effort: 8 })
    .toFile(target);
}

/** Runs a test's body on the app's page. */
function onPage(body: (page: Page) => Promise<void>): Promise<void> {
  return body(app!.page);
}

// A file's tests share one library and app, in order.
test.describe.configure({ mode: 'serial' });

test.describe('similarity in Chromium', () => {
  test.skip(skipReason !== null, skipReason ?? '');
  test.beforeAll(async () => {
    fixture = await createFixture('similarity', { model: 'akamaster-r20', cifarCount: CIFAR });
    const birds = join(fixture.library, 'birds');
    const source = join(birds, (await import('node:fs')).readdirSync(birds).sort()[0]!);
    const meta = await sharp(source).metadata();
    planted = [source.split('/').pop()!, 'planted-half.jpg', 'planted-q35.jpg'];
    await sharp(source)
      .resize(Math.round(meta.width! / 2))
      .jpeg({ quality: 90 })
      .toFile(join(birds, planted[1]!));
    await sharp(source).jpeg({ quality: 35 }).toFile(join(birds, planted[2]!));
    app = await chromiumTarget.launch(fixture);
    recordApp(app);
    const page = app.page;
    const total = fixture.total + 2;
    await waitUntil(
      'indexing has finished',
      async () =>
        (await attribute(page, 'library-stats', 'data-total')) === total &&
        (await attribute(page, 'library-stats', 'data-indexed')) +
          (await attribute(page, 'library-stats', 'data-failed')) ===
          total,
      180_000,
    );
  });
  test.afterAll(async () => {
    recordApp(null);
    await app?.close();
    await fixture?.cleanup();
  });

  test('finds similar images from one tile: a ranked grid with scores, best first', async () => {
    await onPage(async (page) => {
      await page.locator('[data-testid=path-search]').fill('cifar/');
      const tile = page.locator('[data-testid=grid-tile][data-path^="cifar/"]').first();
      await tile.waitFor({ timeout: TIMEOUT });
      const query = await tile.getAttribute('data-path');
      await tile.click();
      await page.locator('[data-testid=find-similar]').click();
      await waitForResults(page);
      const found = await scores(page);
      assert.ok(found.length >= 50, `${found.length} results`);
      for (let i = 1; i < found.length; i++)
        assert.ok(found[i - 1]! >= found[i]!, `scores descend: ${found[i - 1]} then ${found[i]}`);
      assert.ok(!(await paths(page)).includes(query!), 'the query is not among its results');
      // Any result starts a new search; the breadcrumb returns to the library.
      await results(page).nth(2).locator('[data-testid=result-similar]').click();
      await waitUntil(
        'the breadcrumb has two searches',
        async () => (await page.locator('.breadcrumb .crumb').count()) === 2,
      );
      await waitForResults(page);
      await page.locator('[data-testid=similar-back]').click();
      await page.locator('[data-testid=similar-results]').waitFor({ state: 'detached', timeout: TIMEOUT });
      await page.locator('[data-testid=path-search]').fill('');
    });
  });

  test('finds images like a 3-image selection (key s), then selects those above a threshold and labels them', async () => {
    await onPage(async (page) => {
      // CIFAR-10 file names are <index>_<class index>.jpg; 1 is "automobile" (the fixture's subset holds classes 0-5).
      await page.locator('[data-testid=path-search]').fill('_1.jpg');
      const cars = page.locator('[data-testid=grid-tile][data-path$="_1.jpg"]');
      await waitUntil('automobiles are listed', async () => (await cars.count()) >= 3);
      await cars.nth(0).click();
      await cars.nth(1).click({ modifiers: ['Control'] });
      await cars.nth(2).click({ modifiers: ['Control'] });
      await waitUntil(
        'three images are selected',
        async () => (await attribute(page, 'selection-count', 'data-count')) === 3,
      );
      await page.keyboard.press('Escape'); // closes the detail panel the first click opened; the selection stays
      if ((await attribute(page, 'selection-count', 'data-count')) !== 3) {
        await cars.nth(0).click();
        await cars.nth(1).click({ modifiers: ['Control'] });
        await cars.nth(2).click({ modifiers: ['Control'] });
      }
      await page.locator('[data-testid=path-search]').blur();
      await page.keyboard.press('s');
      await waitForResults(page);
      const top = (await paths(page)).slice(0, 10);
      const carShare = top.filter((path) => path.endsWith('_1.jpg')).length;
      assert.ok(carShare >= 5, `${carShare} of the top 10 are automobiles: ${top.join(', ')}`);
      await screenshot(page, 'similarity-results.png');

      // Threshold at the 12th score: Ctrl+A selects exactly the results shown.
      const twelfth = (await scores(page))[11]!;
      await page.locator('[data-testid=similar-threshold]').fill(String(Math.floor(twelfth * 100) / 100));
      const shown = await results(page).count();
      assert.ok(shown >= 12 && shown < 200, `${shown} shown`);
      assert.ok((await scores(page)).every((score) => score >= Math.floor(twelfth * 100) / 100));
      await page.locator('[data-testid=similar-results]').click({ position: { x: 2, y: 2 } });
      await page.keyboard.press('Control+a');
      await waitUntil(
        'the results above the threshold are selected',
        async () => (await attribute(page, 'selection-count', 'data-count')) === shown,
      );

      // `l` opens the lead's label picker, which labels the selection.
      await page.keyboard.press('l');
      const input = page.locator('[data-testid=label-picker]');
      await input.waitFor({ timeout: TIMEOUT });
      await input.fill('automobile');
      const option = page.locator('[data-testid=label-option][data-label="automobile"]').first();
      await option.waitFor({ timeout: TIMEOUT });
      await option.click();
      await waitUntil(
        'every result shown carries the label',
        async () =>
          (await page
            .locator('[data-testid=similar-results] [data-testid=tile-label][data-label="automobile"]')
            .count()) === shown,
      );
      await page.locator('[data-testid=similar-back]').click();
      await page.locator('[data-testid=path-search]').fill('');
    });
  });

  test('groups the planted near-duplicates in the duplicates panel', async () => {
    await onPage(async (page) => {
      await page.locator('[data-testid=open-duplicates]').click();
      await page.locator('[data-testid=duplicates-panel][data-busy=false]').waitFor({ timeout: TIMEOUT });
      const groups = page.locator('[data-testid=duplicate-group]');
      await waitUntil('groups are listed', async () => (await groups.count()) > 0);
      const members = await groups.evaluateAll((items) =>
        items.map((group) => ({
          size: Number(group.getAttribute('data-size')),
          names: [...group.querySelectorAll('.file-name')].map((name) => name.textContent ?? ''),
        })),
      );
      const plantedGroup = members.find((group) => planted.every((name) => group.names.includes(name)));
      assert.ok(plantedGroup, `a group holds ${planted.join(', ')}: ${JSON.stringify(members)}`);
      assert.equal(plantedGroup.size, plantedGroup.names.length);
      for (let i = 1; i < members.length; i++)
        assert.ok(members[i - 1]!.size >= members[i]!.size, 'largest groups first');
      assert.equal(
        await page.locator('[data-testid=duplicate-group] [data-keep=true]').count(),
        members.length,
        'one suggested keeper per group',
      );
      await page.locator('[data-testid=similar-back]').click();
    });
  });

  test('finds images like a photo from outside the library (run through the model, not added)', async () => {
    await onPage(async (page) => {
      const outside = join(fixture!.dir, 'outside-photo.jpg');
      const source = join(fixture!.library, 'birds', planted[0]!);
      const meta = await sharp(source).metadata();
      await sharp(source)
        .resize(Math.round(meta.width! * 0.8))
        .jpeg({ quality: 70 })
        .toFile(outside);
      const total = await attribute(page, 'library-stats', 'data-total');
      await page.locator('[data-testid=similar-photo-input]').setInputFiles(outside);
      await waitForResults(page);
      const top = (await paths(page)).slice(0, 3).map((path) => path.split('/').pop());
      assert.deepEqual(
        [...top].sort(),
        [...planted].sort(),
        `the planted photo and its copies come first: ${top.join(', ')}`,
      );
      assert.equal(
        await attribute(page, 'library-stats', 'data-total'),
        total,
        'the outside photo is not added to the library',
      );
      await page.locator('[data-testid=similar-back]').click();
    });
  });

  test('opens the map and a lasso around a cluster selects its images', async () => {
    await onPage(async (page) => {
      // Escape closes what is open first, then clears the selection.
      for (let i = 0; i < 4 && (await attribute(page, 'selection-count', 'data-count')) > 0; i++)
        await page.keyboard.press('Escape');
      await waitUntil(
        'the selection is empty',
        async () => (await attribute(page, 'selection-count', 'data-count')) === 0,
      );
      await page.locator('[data-testid=open-map]').click();
      const map = page.locator('[data-testid=embedding-map]');
      const indexed = await attribute(page, 'library-stats', 'data-indexed');
      await waitUntil(
        'every indexed image is drawn',
        async () => Number(await map.getAttribute('data-points')) === indexed,
      );
      await waitUntil(
        'the UMAP layout replaced PCA',
        async () => (await map.getAttribute('data-kind')) === 'umap',
        120_000,
      );
      await screenshot(page, 'similarity-map.png');
      await page.locator('[data-testid=map-lasso]').click();
      const box = (await map.boundingBox())!;
      // An outline around the middle band of the map, drawn with the mouse.
      const corners = [
        [0.4, 0.02],
        [0.6, 0.02],
        [0.6, 0.98],
        [0.4, 0.98],
      ] as const;
      await page.mouse.move(box.x + box.width * corners[0][0], box.y + box.height * corners[0][1]);
      await page.mouse.down();
      for (const [fx, fy] of [...corners.slice(1), corners[0]])
        await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 8 });
      await page.mouse.up();
      await waitUntil(
        'the lasso selected images',
        async () => (await attribute(page, 'selection-count', 'data-count')) > 0,
      );
      assert.ok((await attribute(page, 'selection-count', 'data-count')) < indexed, 'not everything');
      await page.locator('[data-testid=similar-back]').click();
    });
  });
});
