/**
 * `npm run bench:ui`: does the library grid stay smooth at 100,000 images? Builds a 100k-image
 * library with a filled catalog (bench/ui-grid-library.ts), starts `fieldmark serve` on it, opens
 * it in Debian's Chromium (headless, software rendering) and measures: time to the first
 * prediction, tile DOM nodes at rest, frame timing of a continuous scroll, jumps to 50% and to the
 * end, a class filter, and the JS heap. Also times the catalog's list queries directly.
 * The page-side probes are in bench/ui-grid-page.ts.
 * Options: --images N (default 100000), --scroll-seconds S (default 5), --keep (keep the temp folder),
 * --map (also pan and zoom the embedding map of every image: bench/ui-map-probe.ts).
 * Cleans up its temp folder, browser and server on success, failure, Ctrl-C, and after a watchdog.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { buildBenchLibrary, timeListQueries } from './ui-grid-library.js';
import { installProbes, probe, type ReadyResult } from './ui-grid-page.js';
import { measureMapPanZoom } from './ui-map-probe.js';
import { stopChildProcess } from '../main/util/stop-child.js';
import { CHROMIUM_PATH } from '../test/helpers/tool-paths.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const VIEWPORT = { width: 1280, height: 800 };
/** The whole run must end by itself; it takes about half a minute here at 100k images. */
const WATCHDOG_MS = 8 * 60 * 1000;
const WAIT_MS = 180_000;
const SCROLL_PX_PER_SECOND = 2000;

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    'scroll-seconds': { type: 'string' },
    keep: { type: 'boolean' },
    map: { type: 'boolean' },
  },
});
const imageCount = Number(values.images ?? 100_000);
const scrollSeconds = Number(values['scroll-seconds'] ?? 5);
if (!Number.isInteger(imageCount) || imageCount < 1000)
  throw new Error(`--images: expected an integer of at least 1000, received ${values.images}`);
if (!(scrollSeconds > 0 && scrollSeconds <= 60))
  throw new Error(`--scroll-seconds: expected 0 < S <= 60, received ${values['scroll-seconds']}`);

const distRoot = fileURLToPath(new URL('../', import.meta.url));
const referenceDir = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'fieldmark-bench-ui-'));
let browser: Browser | null = null;
let server: ChildProcess | null = null;
const serveLog: string[] = [];
/** When serve logged the end of its indexing job (here a rescan that must find nothing to do), and that line. */
let indexingFinished: { at: number; line: string } | null = null;
const log = (line: string) => process.stderr.write(`${line}\n`);

let cleaning: Promise<void> | null = null;
/** Closes the browser, stops the server and removes the temp folder; once, whoever asks first (finally, a signal, the watchdog). */
function cleanup(): Promise<void> {
  cleaning ??= closeEverything();
  return cleaning;
}

async function closeEverything(): Promise<void> {
  await browser?.close().catch((error: unknown) => log(`closing the browser: ${String(error)}`));
  browser = null;
  if (server) await stopChildProcess(server);
  server = null;
  if (values.keep) log(`kept ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

const watchdog = setTimeout(() => {
  log(`ui-grid bench: still running after ${WATCHDOG_MS / 60000} minutes; stopping`);
  void cleanup().finally(() => process.exit(2));
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

/** Runs the CLI of the dist folder this bench was built into (bin/fieldmark always loads dist/). */
function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const launcher = join(workDir, 'fieldmark.mjs');
  const entry = pathToFileURL(join(distRoot, 'main', 'cli', 'main.js')).href;
  writeFileSync(
    launcher,
    `const { runCli } = await import(${JSON.stringify(entry)});\nprocess.exitCode = await runCli(process.argv.slice(2));\n`,
  );
  const child = spawn(process.execPath, [launcher, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    serveLog.push(`${(performance.now() / 1000).toFixed(1)}s ${text}`);
    const finished = /indexing finished: [^\n]*/.exec(text);
    if (finished && !indexingFinished) indexingFinished = { at: performance.now(), line: finished[0] };
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fieldmark serve printed no URL within 120 s')), 120_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, url: line.trim() });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fieldmark serve exited with ${code} before printing its URL:\n${serveLog.join('')}`));
    });
  });
}

async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  return usage.usedSize / 1024 / 1024;
}

/** CPU seconds used so far by Chromium's processes (all of them: browser, renderer, GPU/compositor, network). */
async function browserCpuSeconds(cdp: CDPSession): Promise<number> {
  const info = await cdp.send('SystemInfo.getProcessInfo');
  return info.processInfo.reduce((sum, process) => sum + process.cpuTime, 0);
}

/** CPU seconds used so far by a child process, from /proc (Linux); null elsewhere. */
function processCpuSeconds(pid: number | undefined): number | null {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch (error) {
    log(`no CPU figure for the server: ${String(error)}`);
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!;
}

const rows: [string, string, string][] = [];
const record = (metric: string, value: string, note = '') => {
  rows.push([metric, value, note]);
  log(`  ${metric}: ${value}${note ? `  (${note})` : ''}`);
};
const ms = (value: number) => `${Math.round(value)} ms`;
const twoTimes = (result: ReadyResult) => `${ms(result.ms)} / ${ms(result.thumbsMs)}`;
const readyNote = (result: ReadyResult) =>
  `${result.ready}/${result.visible} tiles on screen, indices ${result.first}-${result.last}${result.timedOut ? ', TIMED OUT' : ''}`;

async function main(): Promise<void> {
  log(`ui-grid bench: ${imageCount} images in ${workDir}`);
  const library = await buildBenchLibrary({ workDir, referenceDir, imageCount, log });

  log('list queries (catalog, page of 200):');
  const queries = timeListQueries(library, imageCount);
  for (const q of queries) log(`  ${q.query.padEnd(32)} ${q.ms.toFixed(1).padStart(8)} ms  (${q.total} matching)`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FIELDMARK_USER_DATA: join(workDir, 'user-data'),
    FIELDMARK_CACHE_DIR: join(workDir, 'cache'),
    FIELDMARK_DATA_DIR: join(workDir, 'data'),
  };
  // Our own signal handlers close the browser (after the server), so Playwright's are off.
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const serveStart = performance.now();
  const { url } = await startServe(
    ['serve', library.folder, '--db', library.dbPath, '--model', library.modelPath, '--port', '0', '--threads', '1'],
    env,
  );
  log(`serve printed its URL after ${ms(performance.now() - serveStart)}`);
  const page = await (await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const cdp = await page.context().newCDPSession(page);

  log('measuring:');
  const navigated = performance.now();
  await page.goto(url);
  await page.waitForSelector('[data-testid=grid-tile]', { timeout: WAIT_MS });
  record('first tile shown', ms(performance.now() - navigated), 'from navigation');
  await page.waitForSelector('[data-testid=tile-prediction][data-state=predicted]', { timeout: WAIT_MS });
  record(
    'first tile with a prediction',
    ms(performance.now() - navigated),
    `from navigation, which began ${ms(navigated - serveStart)} after serve started`,
  );

  await page.waitForFunction(
    (total) => {
      const doc = (
        globalThis as unknown as {
          document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };
        }
      ).document;
      const stats = doc.querySelector('[data-testid=library-stats]');
      return (
        stats?.getAttribute('data-total') === String(total) &&
        stats.getAttribute('data-indexed') === String(total) &&
        doc.querySelector('[data-testid=grid]')?.getAttribute('data-total') === String(total)
      );
    },
    imageCount,
    { timeout: WAIT_MS, polling: 250 },
  );
  record(
    'library-stats total / indexed',
    `${imageCount} / ${imageCount}`,
    `${ms(performance.now() - navigated)} from navigation`,
  );
  // Saved predictions show before the rescan ends (the session reuses the model's catalog row), so wait for it.
  const scanDeadline = performance.now() + WAIT_MS;
  while (!indexingFinished && performance.now() < scanDeadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  const finished = indexingFinished as { at: number; line: string } | null;
  if (!finished || !finished.line.includes(': 0/0 processed'))
    throw new Error(
      `serve should have found nothing to process, but logged: ${finished?.line ?? 'no end of indexing'}`,
    );
  record(
    'serve: rescan finished, nothing to process',
    ms(finished.at - serveStart),
    `after serve started ("${finished.line}")`,
  );
  await page.evaluate(installProbes);
  await page.waitForTimeout(1500); // let thumbnails and the last pages settle
  const columns = await page.getAttribute('[data-testid=grid]', 'data-columns');
  const tiles = await page.locator('[data-testid=grid-tile]').count();
  const allElements = await page.evaluate(
    () =>
      (
        globalThis as unknown as { document: { getElementsByTagName(t: string): { length: number } } }
      ).document.getElementsByTagName('*').length,
  );
  record('tile DOM nodes at rest', String(tiles), `${columns} columns; ${allElements} elements in the whole page`);
  record('JS heap at rest (after GC)', `${(await heapMb(cdp)).toFixed(1)} MB`);

  const idle = (await probe(page, 'idle', 2)).sort((x, y) => x - y);
  record(
    'idle page: frame interval median / p95',
    `${percentile(idle, 0.5).toFixed(1)} / ${percentile(idle, 0.95).toFixed(1)} ms`,
    'no scrolling: the compositor alone',
  );
  const browserCdp = await browser.newBrowserCDPSession();
  const cpuBefore = { browser: await browserCpuSeconds(browserCdp), server: processCpuSeconds(server?.pid) };
  const scroll = await probe(page, 'scroll', scrollSeconds, SCROLL_PX_PER_SECOND);
  const browserCpu = (await browserCpuSeconds(browserCdp)) - cpuBefore.browser;
  const serverAfter = processCpuSeconds(server?.pid);
  const serverCpu = serverAfter === null || cpuBefore.server === null ? null : serverAfter - cpuBefore.server;
  const sorted = [...scroll.intervals].sort((x, y) => x - y);
  const slow = scroll.intervals.filter((interval) => interval > 50).length;
  record(
    'scroll: frames',
    `${scroll.frames} in ${scrollSeconds} s`,
    `${(scroll.frames / scrollSeconds).toFixed(1)} fps, ${Math.round(scroll.distance)} px at ${SCROLL_PX_PER_SECOND} px/s`,
  );
  record(
    'scroll: frame interval median / p95 / max',
    `${percentile(sorted, 0.5).toFixed(1)} / ${percentile(sorted, 0.95).toFixed(1)} / ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`,
  );
  record(
    'scroll: frames over 50 ms',
    String(slow),
    `${scroll.longTasks.length} long tasks, ${Math.round(scroll.longTasks.reduce((x, y) => x + y, 0))} ms in total`,
  );
  record(
    'scroll: CPU of Chromium / server',
    `${(browserCpu / scrollSeconds).toFixed(2)} / ${serverCpu === null ? '-' : (serverCpu / scrollSeconds).toFixed(2)} cores`,
    'all Chromium processes; the server makes thumbnails',
  );
  record(
    'scroll: frames with tiles not filled',
    `${scroll.blankFrames} of ${scroll.frames}`,
    'placeholder or no prediction yet on screen',
  );
  record(
    'scroll: frames with thumbnails missing',
    `${scroll.thumbFrames} of ${scroll.frames}`,
    'a tile on screen without its loaded thumbnail',
  );

  const middle = await probe(page, 'jump', 0.5);
  record('jump to 50%: tiles predicted / thumbnails', twoTimes(middle), readyNote(middle));
  const end = await probe(page, 'jump', 1);
  record('jump to end: tiles predicted / thumbnails', twoTimes(end), readyNote(end));

  const classIndex = library.top1Counts.indexOf(Math.max(...library.top1Counts));
  const className = library.classNames[classIndex]!;
  const expected = library.top1Counts[classIndex]!;
  await page.click('[data-testid=class-filter]');
  await page.fill('[data-testid=class-filter]', className);
  await probe(page, 'markEvent', 'keydown');
  await page.press('[data-testid=class-filter]', 'Enter');
  const filtered = await probe(page, 'afterEvent', { classIndex, count: expected });
  record(
    `filter class "${className}": grid shows it`,
    twoTimes(filtered),
    `grid-count ${filtered.count}, expected ${expected}; ${readyNote(filtered)}`,
  );
  const filteredEnd = await probe(page, 'jump', 1);
  record('filtered, jump to end', twoTimes(filteredEnd), readyNote(filteredEnd));

  await page.click('[data-testid=class-filter-clear]');
  await page.waitForSelector(`[data-testid=grid-count][data-count="${imageCount}"]`, { timeout: WAIT_MS });
  await probe(page, 'markEvent', 'change');
  await page.selectOption('[data-testid=sort-key]', 'confidence');
  const bySort = await probe(page, 'afterEvent', { count: imageCount, firstImageId: library.leastConfidentImageId });
  record('sort by confidence: grid shows it', twoTimes(bySort), readyNote(bySort));
  const sortedMiddle = await probe(page, 'jump', 0.5);
  record('by confidence, jump to 50%', twoTimes(sortedMiddle), readyNote(sortedMiddle));
  record('JS heap after all of it (after GC)', `${(await heapMb(cdp)).toFixed(1)} MB`);
  if (values.map) {
    const map = await measureMapPanZoom(page, imageCount, scrollSeconds, WAIT_MS);
    record('map: open until every point is drawn', `${map.openSeconds.toFixed(1)} s`, `${map.kind} map first`);
    record(
      'map pan/zoom: frames',
      `${map.frames} in ${scrollSeconds} s`,
      `${(map.frames / scrollSeconds).toFixed(1)} fps; ${map.inputs} drag and wheel events`,
    );
    record(
      'map pan/zoom: frame interval median / p95 / max',
      `${percentile(map.intervals, 0.5).toFixed(1)} / ${percentile(map.intervals, 0.95).toFixed(1)} / ${(map.intervals.at(-1) ?? Number.NaN).toFixed(1)} ms`,
      `${map.intervals.filter((interval) => interval > 50).length} frames over 50 ms`,
    );
  }
  if (pageErrors.length > 0) record('page errors', String(pageErrors.length), pageErrors.slice(0, 3).join(' | '));

  printReport(queries, library.timings);
}

function printReport(queries: ReturnType<typeof timeListQueries>, timings: Record<string, number>): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const out: string[] = [];
  out.push('');
  out.push(
    `Fieldmark UI grid at ${imageCount.toLocaleString('en-US')} images: Chromium ${browser?.version() ?? '?'} headless, --disable-gpu (software rendering), viewport ${VIEWPORT.width}x${VIEWPORT.height}`,
  );
  out.push(
    `machine: ${cpus().length} cores (${cpu}), shared; browser, server and bench run on the same cores, so figures are pessimistic`,
  );
  out.push(
    `library built in ${(Object.values(timings).reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s (${Object.entries(
      timings,
    )
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ')})`,
  );
  out.push('');
  const width = Math.max(...rows.map((row) => row[0].length));
  const valueWidth = Math.max(...rows.map((row) => row[1].length));
  for (const [metric, value, note] of rows) out.push(`${metric.padEnd(width)}  ${value.padStart(valueWidth)}  ${note}`);
  out.push('');
  out.push('catalog list queries (one page of 200, mean of 3, no server in between):');
  for (const q of queries) out.push(`  ${q.query.padEnd(34)} ${q.ms.toFixed(1).padStart(8)} ms   ${q.total} matching`);
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} catch (error) {
  log(`ui-grid bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  log(`serve log:\n${serveLog.join('').slice(-4000)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
