/**
 * Playwright Test for the end-to-end suites (test/e2e): Debian's Chromium against `fieldmark
 * serve` (FIELDMARK_CHROMIUM, default /usr/bin/chromium; browsers are never downloaded) and the
 * Electron app where its binary exists. One worker: each file starts its own server and indexing
 * job, and the machine's cores go to them. `npm test` builds the renderer bundle first.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.test.ts',
  outputDir: 'test-results/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  // A file's beforeAll indexes a library (up to a few minutes on two cores); tests wait on conditions.
  timeout: 10 * 60_000,
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/e2e-results.json' }],
  ],
});
