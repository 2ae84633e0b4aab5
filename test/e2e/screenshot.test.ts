/**
 * The README screenshot, taken from the real UI (`fieldmark serve` in Chromium) with a real
 * pretrained model: the akamaster CIFAR-10 ResNet-20 converted from ../shared/reference/weights,
 * so the predictions on the bird photos mean something. Also an end-to-end check that a converted
 * checkpoint runs in the app: most birds are predicted "bird".
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { repoRoot } from '../helpers/paths.js';
import { recordApp, test, waitUntil } from './e2e-test.js';
import { BIRD_COUNT, EXPECTED_TOTAL, createFixture, type E2eFixture } from './fixture.js';
import { chromiumTarget, type AppUnderTest } from './targets.js';

const skipReason = chromiumTarget.unavailableReason();
let fixture: E2eFixture | null = null;
let app: AppUnderTest | null = null;

test.beforeAll(async () => {
  if (skipReason) return;
  fixture = await createFixture('screenshot', { model: 'akamaster-r20' });
  app = await chromiumTarget.launch(fixture);
  recordApp(app);
});
test.afterAll(async () => {
  recordApp(null);
  await app?.close();
  await fixture?.cleanup();
});

test('README screenshot with the pretrained CIFAR-10 ResNet-20', async () => {
  test.skip(skipReason !== null, skipReason ?? '');
  const page = app!.page;
  const stats = page.locator('[data-testid=library-stats]');
  const count = async (name: string) => Number((await stats.getAttribute(name)) ?? -1);
  await waitUntil(
    'indexing has finished',
    async () =>
      (await count('data-total')) === EXPECTED_TOTAL &&
      (await count('data-indexed')) + (await count('data-failed')) === EXPECTED_TOTAL,
    120_000,
  );
  assert.equal(await stats.getAttribute('data-total'), String(EXPECTED_TOTAL));

  await page.locator('[data-testid=path-search]').fill('birds/');
  const predictions = page.locator('[data-testid=grid-tile] [data-testid=tile-prediction][data-state=predicted]');
  await waitUntil(
    'only the birds folder is shown',
    async () => (await page.locator('[data-testid=grid-tile]').count()) <= BIRD_COUNT,
    30_000,
  );
  const classes = await predictions.evaluateAll((items) =>
    items.map((item) => Number(item.getAttribute('data-class-index'))),
  );
  const birds = classes.filter((index) => index === 2).length;
  console.log(`pretrained ResNet-20 in the app: ${birds} of ${classes.length} visible bird photos predicted "bird"`);
  assert.ok(birds >= classes.length / 3, `only ${birds} of ${classes.length} bird photos predicted "bird"`);

  const birdTile = page
    .locator('[data-testid=grid-tile]', { has: page.locator('[data-testid=tile-prediction][data-class-index="2"]') })
    .nth(4);
  await birdTile.click();
  await page.locator('[data-testid=detail-topk] > [data-class-index]').first().waitFor({ timeout: 30_000 });
  await waitUntil(
    'every image has loaded',
    async () =>
      page
        .locator('img')
        .evaluateAll((images) => images.every((image) => (image as unknown as { complete: boolean }).complete)),
    30_000,
  );
  await waitUntil(
    'no animation is running',
    async () => (await page.evaluate('document.getAnimations().length')) === 0,
    30_000,
  );
  // Tests never dirty the work tree: the README's copy is refreshed only when asked
  // (FIELDMARK_UPDATE_SCREENSHOT=1 npm test). A palette PNG keeps the committed file small.
  const target =
    process.env.FIELDMARK_UPDATE_SCREENSHOT === '1'
      ? join(repoRoot, 'docs', 'screenshot.png')
      : join(repoRoot, 'test-results', 'screenshot.png');
  await mkdir(dirname(target), { recursive: true });
  const info = await sharp(await page.screenshot())
    .png({ palette: true, quality: 85, effort: 8 })
    .toFile(target);
  assert.equal(info.width, 1280);
});
