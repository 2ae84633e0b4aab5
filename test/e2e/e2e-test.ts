/**
 * The end-to-end suites' `test`: Playwright Test's, extended with an automatic fixture that
 * records a trace of each test on the app that the file launched (a chunk per test) and, when
 * the test fails, attaches a screenshot, that trace and the app's logs (serve, console, main
 * process) to the report under test-results/e2e/. Files launch their app in `beforeAll` (one
 * library per file, shared by its serial tests) and register it with `recordApp`.
 */
import { test as base } from '@playwright/test';
import type { AppUnderTest } from './targets.js';

let recorded: AppUnderTest | null = null;

/** The app whose page the following tests drive (null when the file closes it). */
export function recordApp(app: AppUnderTest | null): void {
  recorded = app;
}

export const test = base.extend<{ failureArtifacts: undefined }>({
  failureArtifacts: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a function uses from an object pattern.
    async ({}, use, testInfo) => {
      const app = recorded;
      const tracing = app?.page.context().tracing;
      await tracing?.startChunk({ title: testInfo.title }).catch(() => undefined);
      await use(undefined);
      if (!app) return;
      const failed = testInfo.status !== testInfo.expectedStatus;
      if (!failed) {
        await tracing?.stopChunk().catch(() => undefined);
        return;
      }
      const screenshot = await app.page.screenshot().catch(() => undefined);
      if (screenshot) await testInfo.attach('screenshot', { body: screenshot, contentType: 'image/png' });
      const trace = testInfo.outputPath('trace.zip');
      if (
        tracing &&
        (await tracing.stopChunk({ path: trace }).then(
          () => true,
          () => false,
        ))
      )
        await testInfo.attach('trace', { path: trace, contentType: 'application/zip' });
      for (const [name, text] of Object.entries(app.logs()))
        await testInfo.attach(name, { body: text, contentType: 'text/plain' });
    },
    { auto: true },
  ],
});

/** Polls `check` until it holds, or fails naming `what`: waits on conditions, never fixed sleeps. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `read` returns the same value for `quietMs` in a row (work in flight has landed); returns it. */
export async function waitUntilSteady<T>(what: string, read: () => Promise<T>, quietMs: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await read();
    if (next !== value) [value, since] = [next, Date.now()];
    else if (Date.now() - since >= quietMs) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what} is steady`);
  }
}

/** Fails if `check` stops holding at any poll during `forMs`: the way to assert that nothing happens. */
export async function keepsHolding(what: string, check: () => Promise<boolean>, forMs: number): Promise<void> {
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    if (!(await check())) throw new Error(`${what} stopped holding`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
