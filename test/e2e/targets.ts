/**
 * The two targets one spec set runs against: `chromium` (Debian's Chromium, headless, against
 * `fieldmark serve`) and `electron` (the built desktop app through Playwright's _electron),
 * skipped with a printed reason where the Electron binary or a display is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { chromium, _electron, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import type { E2eFixture } from './fixture.js';
import { fieldmarkNodeArgs } from '../helpers/cli.js';
import { buildRoot } from '../../main/util/code-layout.js';
import { repoRoot as repoRootForNative } from '../helpers/paths.js';
import { CHROMIUM_PATH } from '../helpers/tool-paths.js';
import { stopChildProcess } from '../../main/util/stop-child.js';

export { CHROMIUM_PATH };
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const VIEWPORT = { width: 1280, height: 800 };

export interface AppUnderTest {
  page: Page;
  /** The serve endpoint (chromium target only). */
  server: { url: string; port: number; token: string } | null;
  logs(): Record<string, string>;
  close(): Promise<void>;
}

export interface Target {
  name: 'chromium' | 'electron';
  /** Null when the target can run here, else why it is skipped. */
  unavailableReason(): string | null;
  launch(fixture: E2eFixture): Promise<AppUnderTest>;
}

function collectConsole(page: Page, lines: string[]): void {
  page.on('console', (message) => lines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`[pageerror] ${error.stack ?? error.message}`));
}

export const chromiumTarget: Target = {
  name: 'chromium',
  unavailableReason: () => (existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH}`),
  async launch(fixture) {
    // The browser starts first, so the page is open while the indexing job is still young.
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const serveLog: string[] = [];
    const consoleLog: string[] = [];
    let child: ChildProcess | null = null;
    try {
      child = spawn(
        process.execPath,
        fieldmarkNodeArgs([
          'serve',
          fixture.library,
          '--model',
          fixture.modelPath,
          '--port',
          '0',
          '--batch',
          '1',
          '--threads',
          '1',
        ]),
        {
          env: fixture.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stderr!.on('data', (chunk: Buffer) => serveLog.push(chunk.toString()));
      const url = await firstLine(child, serveLog);
      const parsed = new URL(url);
      const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
      // Traced from the start; e2e-test.ts keeps one chunk per test, written only when it fails.
      await context.tracing.start({ screenshots: true, snapshots: true });
      const page = await context.newPage();
      collectConsole(page, consoleLog);
      await page.goto(url);
      const server = { url, port: Number(parsed.port), token: parsed.searchParams.get('token') ?? '' };
      const running = child;
      return {
        page,
        server,
        logs: () => ({ 'serve.log': serveLog.join(''), 'console.log': consoleLog.join('\n') }),
        async close() {
          await browser.close();
          await stopChildProcess(running);
        },
      };
    } catch (error) {
      await browser.close();
      if (child) await stopChildProcess(child);
      throw new Error(`chromium target failed to start: ${(error as Error).message}\n${serveLog.join('')}`);
    }
  },
};

export const electronTarget: Target = {
  name: 'electron',
  unavailableReason() {
    let binary: string;
    try {
      binary = createRequire(import.meta.url)('electron') as string;
    } catch (error) {
      return `the Electron binary is not installed (${(error as Error).message.split('\n')[0]}); install it without ELECTRON_SKIP_BINARY_DOWNLOAD to run this target`;
    }
    if (!existsSync(binary)) return `the Electron binary ${binary} does not exist`;
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
      return 'no display (DISPLAY/WAYLAND_DISPLAY unset); run under xvfb-run';
    return null;
  },
  async launch(fixture) {
    const binary = createRequire(import.meta.url)('electron') as string;
    // better-sqlite3 built for Electron's ABI, beside the Node build the other tests use (see scripts/electron-native.mjs).
    const { ensureElectronSqlite } = (await import(
      pathToFileURL(join(repoRootForNative, 'scripts', 'electron-native.mjs')).href
    )) as { ensureElectronSqlite: () => string };
    const consoleLog: string[] = [];
    const mainLog: string[] = [];
    const app: ElectronApplication = await _electron.launch({
      executablePath: binary,
      args: [
        join(buildRoot(), 'main', 'electron', 'app.js'),
        '--open',
        fixture.library,
        '--model',
        fixture.modelPath,
        '--batch',
        '1',
        '--threads',
        '1',
      ],
      env: {
        ...fixture.env,
        FIELDMARK_WINDOW_SIZE: `${VIEWPORT.width}x${VIEWPORT.height}`,
        FIELDMARK_SQLITE_BINDING: ensureElectronSqlite(),
      } as Record<string, string>,
    });
    app.process().stderr?.on('data', (chunk: Buffer) => mainLog.push(chunk.toString()));
    await app.context().tracing.start({ screenshots: true, snapshots: true });
    const page = await app.firstWindow();
    collectConsole(page, consoleLog);
    await page.setViewportSize(VIEWPORT);
    return {
      page,
      server: null,
      logs: () => ({ 'main.log': mainLog.join(''), 'console.log': consoleLog.join('\n') }),
      close: () => app.close(),
    };
  },
};

export const TARGETS: Target[] = [chromiumTarget, electronTarget];

function firstLine(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('fieldmark serve printed no URL within 60 s')), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fieldmark serve exited with ${code} before printing its URL: ${log.join('')}`));
    });
  });
}
