/**
 * `npm run bench:engine` (issue 12): the engine in a worker thread, measured against today's
 * in-thread AppService in one run.
 *  1. Page latency at 100,000 images (bench/ui-grid-library.ts): the first, middle and last page
 *     of every sort, with and without filters, each the first request after a commit (cold), read
 *     by index walks (image-pager.ts, catalog list-walk.ts), against one ORDER BY of the whole
 *     list (before: what a cold deep page cost when it rebuilt the id list); and deep pages end
 *     to end through the worker's client.
 *  2. Indexing a fresh folder at full speed: images/s and the p99 event-loop delay of the thread
 *     that serves the UI (perf_hooks.monitorEventLoopDelay), with the engine on that thread
 *     (before) and in the worker (after), while that thread asks for a grid page every 50 ms.
 * Options: --images N (default 100000), --index-images N (default 600), --keep, --pages-only (part 1 alone).
 * Targets: pages < 20 ms, UI-thread lag p99 < 20 ms, throughput ratio >= 1 (within noise).
 */
import { link, mkdir, readdir, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppService } from '../main/app/app-service.js';
import { defaultModelProvider } from '../main/app/default-model-provider.js';
import { ImagePager } from '../main/app/image-pager.js';
import type { AppEvent, AppEventListener } from '../main/contract/events.js';
import type { RequestHandlers } from '../main/contract/requests.js';
import type { IndexingStatus } from '../main/contract/types.js';
import { Catalog, type ListImagesQuery } from '../main/engine/catalog/index.js';
import { startEngineWorker } from '../main/host/engine-worker-host.js';
import { buildBenchLibrary, type BenchLibrary } from './ui-grid-library.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    'index-images': { type: 'string' },
    keep: { type: 'boolean' },
    'pages-only': { type: 'boolean' },
  },
});
const imageCount = Number(values.images ?? 100_000);
const indexCount = Number(values['index-images'] ?? 600);
const PAGE = 200;
const referenceDir = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'fieldmark-bench-engine-'));
const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (value: number) => `${value.toFixed(1)} ms`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function timed<T>(task: () => T): [T, number] {
  const start = performance.now();
  const result = task();
  return [result, performance.now() - start];
}

/** The sorts and filters the grid offers. */
function pageCases(library: BenchLibrary): [string, ListImagesQuery][] {
  const base = { libraryId: library.libraryId, modelRowId: library.modelRowId } as const;
  const busiest = library.top1Counts.indexOf(Math.max(...library.top1Counts));
  const cases: [string, ListImagesQuery][] = [];
  for (const sort of ['name', 'date', 'confidence', 'uncertainty'] as const) {
    for (const order of ['asc', 'desc'] as const) cases.push([`${sort} ${order}`, { ...base, sort, order }]);
  }
  cases.push(['class filter, confidence desc', { ...base, classIndex: busiest, sort: 'confidence', order: 'desc' }]);
  cases.push([
    'confidence >= 0.5, uncertainty asc',
    { ...base, minConfidence: 0.5, sort: 'uncertainty', order: 'asc' },
  ]);
  cases.push(['status ok, date desc', { ...base, status: 'ok', sort: 'date', order: 'desc' }]);
  cases.push(['unlabelled, name asc', { ...base, label: { kind: 'unlabelled' }, sort: 'name', order: 'asc' }]);
  cases.push(['folder f050, date asc', { ...base, folder: 'f050', sort: 'date', order: 'asc' }]);
  // The review queue of active learning (the unlabelled images the model is least sure of), and
  // filters on the image or its label with a sort by the model's output.
  const unlabelled = { kind: 'unlabelled' } as const;
  cases.push(['unlabelled, uncertainty asc', { ...base, label: unlabelled, sort: 'uncertainty', order: 'asc' }]);
  cases.push(['unlabelled, confidence desc', { ...base, label: unlabelled, sort: 'confidence', order: 'desc' }]);
  cases.push(['status ok, confidence desc', { ...base, status: 'ok', sort: 'confidence', order: 'desc' }]);
  cases.push([
    'status ok + unlabelled + class, uncertainty asc',
    { ...base, status: 'ok', label: unlabelled, classIndex: busiest, sort: 'uncertainty', order: 'asc' },
  ]);
  return cases;
}

/** A commit of another connection: every cached list of the pager is stale, its next page is cold. */
function commit(writer: Catalog, count: number): void {
  writer.setSetting('bench.commit', count);
}

/** Labels on a seeded LABELLED_SHARE of the images, as a curator's first few thousand. */
const LABELLED_SHARE = 0.02;

function labelSome(writer: Catalog, library: BenchLibrary): number {
  const ids = writer.listImageIds({ libraryId: library.libraryId, modelRowId: null, sort: 'name' });
  let state = 7;
  const rows = ids
    .filter(() => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648 < LABELLED_SHARE;
    })
    .map((imageId, i) => ({
      imageId,
      label: library.classNames[i % library.classNames.length]!,
      rank: 'species' as const,
      source: 'manual' as const,
      score: null,
    }));
  writer.labels.apply(library.libraryId, rows, 'bench labels');
  return rows.length;
}

function measurePages(library: BenchLibrary): void {
  const writer = Catalog.open(library.dbPath);
  const labelled = labelSome(writer, library);
  const pager = new ImagePager(writer, log);
  console.log(
    `\n1. page of ${PAGE} at ${imageCount} images, cold (the first request after a commit, median of 3) at offsets 0, 50% and last;` +
      '\n   before = one ORDER BY over the whole list (what a cold deep page cost when it rebuilt the id list)',
  );
  console.log(`   ${labelled} images labelled`);
  console.log('   query | before | cold 0 / 50% / last | warm max | ratio before/worst cold');
  let worstCold = 0;
  let commits = 0;
  try {
    for (const [name, query] of pageCases(library)) {
      const [ids, before] = timed(() => writer.listImageIds(query));
      const total = ids.length;
      const last = Math.max(0, total - 1 - ((total - 1) % PAGE));
      const offsets = [0, Math.floor(total / 2 / PAGE) * PAGE, last];
      // Median of three, each the first page after its own commit (this machine may be shared).
      const cold = offsets.map((offset) =>
        median(
          [0, 1, 2].map(() => {
            commit(writer, ++commits);
            return timed(() => pager.page(query, offset, PAGE))[1];
          }),
        ),
      );
      const warm = offsets.map((offset) => timed(() => pager.page(query, offset, PAGE))[1]);
      worstCold = Math.max(worstCold, ...cold);
      console.log(
        `   ${name} (${total}) | ${ms(before)} | ${cold.map(ms).join(' / ')} | ${ms(Math.max(...warm))} | ${(before / Math.max(...cold)).toFixed(1)}x`,
      );
    }
  } finally {
    pager.close();
    writer.close();
  }
  console.log(`   worst cold page: ${ms(worstCold)} (target < 20 ms)`);
}

/** Deep pages through the worker's client: what the UI thread waits for, round trip included. */
async function measureClientPages(library: BenchLibrary): Promise<void> {
  const client = await startEngineWorker(engineInit(join(workDir, 'client-user'), library.modelPath, library.dbPath), {
    log: () => undefined,
  });
  try {
    const [, openMs] = await timedAsync(() => client.openLibrary(library.folder));
    await waitForEnd(client, client.handlers);
    const times: number[] = [];
    for (const sort of ['name', 'date', 'confidence', 'uncertainty'] as const) {
      const query = { sort, order: 'desc', offset: Math.floor((imageCount * 0.9) / PAGE) * PAGE, limit: PAGE } as const;
      await client.handlers['images.list'](query); // prepares the reader's statements
      for (let i = 0; i < 3; i++)
        times.push(
          (
            await timedAsync(async () => client.handlers['images.list']({ ...query, offset: query.offset - i * PAGE }))
          )[1],
        );
    }
    console.log(
      `   through the worker (open + rescan ${ms(openMs)}): deep page median ${ms(median(times))}, max ${ms(Math.max(...times))}`,
    );
  } finally {
    await client.close();
  }
}

async function timedAsync<T>(task: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await task();
  return [result, performance.now() - start];
}

function engineInit(userDir: string, modelPath: string, dbPath: string) {
  const env = { ...process.env, FIELDMARK_USER_DATA: userDir, FIELDMARK_CACHE_DIR: join(userDir, 'cache') };
  return {
    paths: { userDataDir: userDir, cacheDir: join(userDir, 'cache') },
    env,
    version: 'bench',
    transport: 'web' as const,
    cwd: workDir,
    canPickFolder: false,
    canTrashFiles: false,
    overrides: { modelId: modelPath, batchSize: 16 },
    dbPath,
  };
}

interface EngineLike {
  onEvent(listener: AppEventListener): () => void;
}

/** Resolves with the final status of the running job (asks once, then listens). */
function waitForEnd(engine: EngineLike, handlers: RequestHandlers): Promise<IndexingStatus> {
  return new Promise((resolve) => {
    const done = (status: IndexingStatus) => ['finished', 'failed', 'cancelled'].includes(status.state);
    const unsubscribe = engine.onEvent((event: AppEvent) => {
      if (event.type === 'indexing' && done(event.status)) {
        unsubscribe();
        resolve(event.status);
      }
    });
    void Promise.resolve(handlers['indexing.status']({})).then((status) => {
      if (done(status)) {
        unsubscribe();
        resolve(status);
      }
    });
  });
}

/** Indexes `folder` from scratch with the engine `where`, while this thread asks for a page every 50 ms. */
async function indexRun(
  where: 'in-thread' | 'worker',
  run: number,
  folder: string,
  modelPath: string,
): Promise<{ imagesPerSecond: number; lagP99: number; lagMax: number; pages: number }> {
  // A fresh catalog (and thumbnail cache) per run: every run indexes every image.
  const userDir = join(workDir, `user-${where}-${run}`);
  const init = engineInit(userDir, modelPath, join(workDir, `index-${where}-${run}.sqlite`));
  const engine =
    where === 'worker'
      ? await startEngineWorker(init, { log: () => undefined })
      : new AppService({
          ...init,
          models: defaultModelProvider({ cwd: workDir, env: init.env }),
          log: () => undefined,
        });
  const lag = monitorEventLoopDelay({ resolution: 5 });
  let pages = 0;
  let polling = true;
  const poll = async () => {
    while (polling) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      try {
        await engine.handlers['images.list']({ sort: 'name', order: 'asc', offset: 0, limit: PAGE });
        pages += 1;
      } catch {
        // no library open yet: the grid asks again on its next tick
      }
    }
  };
  try {
    lag.enable();
    const start = performance.now();
    const ended = new Promise<IndexingStatus>((resolve) =>
      engine.onEvent((event) => {
        if (event.type === 'indexing' && ['finished', 'failed', 'cancelled'].includes(event.status.state))
          resolve(event.status);
      }),
    );
    const polling$ = poll();
    await engine.openLibrary(folder);
    const status = await ended;
    const seconds = (performance.now() - start) / 1000;
    polling = false;
    await polling$;
    lag.disable();
    if (status.state !== 'finished' || status.done !== indexCount)
      throw new Error(
        `${where}: indexing ended ${status.state} with ${status.done}/${indexCount} (${status.message ?? ''})`,
      );
    return { imagesPerSecond: indexCount / seconds, lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6, pages };
  } finally {
    polling = false;
    await engine.close();
  }
}

async function main(): Promise<void> {
  try {
    log(`building a ${imageCount}-image library in ${workDir}`);
    const library = await buildBenchLibrary({ workDir, referenceDir, imageCount, log });
    measurePages(library);
    await measureClientPages(library);
    if (values['pages-only']) return;

    const indexFolder = join(workDir, 'to-index');
    await mkdir(indexFolder, { recursive: true });
    const firstFolder = join(library.folder, 'f000');
    for (const name of (await readdir(firstFolder)).sort().slice(0, indexCount))
      await link(join(firstFolder, name), join(indexFolder, name));
    console.log(
      `\n2. indexing ${indexCount} images from scratch (resnet20, batch 16) while the UI thread asks for a page every 50 ms`,
    );
    // Alternated twice so neither side gets the warm disk cache alone.
    const runs: Record<string, { imagesPerSecond: number; lagP99: number; lagMax: number; pages: number }[]> = {
      'in-thread': [],
      worker: [],
    };
    for (const [index, where] of (['in-thread', 'worker', 'worker', 'in-thread'] as const).entries()) {
      const run = await indexRun(where, index, indexFolder, library.modelPath);
      runs[where]!.push(run);
      console.log(
        `   ${where}: ${run.imagesPerSecond.toFixed(1)} images/s, UI-thread lag p99 ${ms(run.lagP99)} (max ${ms(run.lagMax)}), ${run.pages} pages served`,
      );
    }
    const best = (where: string) => Math.max(...runs[where]!.map((run) => run.imagesPerSecond));
    const lagOf = (where: string) => Math.max(...runs[where]!.map((run) => run.lagP99));
    console.log(
      `   throughput worker/in-thread (best of 2): ${(best('worker') / best('in-thread')).toFixed(2)}x (target >= 1)`,
    );
    console.log(
      `   UI-thread lag p99, worst of 2: in-thread ${ms(lagOf('in-thread'))}, worker ${ms(lagOf('worker'))} (target < 20 ms)`,
    );
  } finally {
    if (values.keep) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(
  () => {
    log('bench:engine: watchdog (15 min): giving up');
    process.exit(2);
  },
  15 * 60 * 1000,
);
watchdog.unref();
await main();
