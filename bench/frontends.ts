/**
 * `npm run bench:frontends`: indexing speed of the three front ends on the same folder and model,
 * in one run: the CLI (`fieldmark classify --json`), the app (AppService, as Electron's main
 * process runs it) and `serve` (a child process, with a WebSocket client that receives every
 * event the browser would, predictions as JSON and features as binary frames, and fetches the
 * first grid page's thumbnails). Models: the pretrained CIFAR-10 ResNet-20 imported from
 * ../shared/reference/weights, and a seeded ResNet-50.
 *
 * The rate is the steady state: images after the first prediction batch divided by the time from
 * the first to the last prediction (model loading and the scan are the same code in all three and
 * would only blur the comparison). Each front end runs `--rounds` times (default 2), interleaved,
 * best kept: the machine is shared. Options: --r20 N, --r50 N (images), --rounds N, --json FILE.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import WebSocket from 'ws';
import { AppService } from '../main/app/app-service.js';
import { defaultModelProvider } from '../main/app/default-model-provider.js';
import { buildSeededModel } from '../main/zoo/resnet/build-model.js';
import { convertCheckpoint } from '../main/zoo/checkpoint/convert-checkpoint.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const reference = join(repoRoot, '..', 'shared', 'reference');
// bin/fieldmark runs the CLI of $FIELDMARK_DIST (default dist), the build this benchmark is part of.
const cliEntry = join(repoRoot, 'bin', 'fieldmark');
const BATCH = 8;

const { values } = parseArgs({
  options: { r20: { type: 'string' }, r50: { type: 'string' }, rounds: { type: 'string' }, json: { type: 'string' } },
});
const counts = { r20: Number(values.r20 ?? 800), r50: Number(values.r50 ?? 64) };
const rounds = Number(values.rounds ?? 2);

type Front = 'cli' | 'app' | 'serve';

/** Steady-state images per second from the arrival times of prediction batches (ms, count). */
function steadyRate(batches: { at: number; count: number }[]): number {
  if (batches.length < 2) return 0;
  const images = batches.slice(1).reduce((sum, batch) => sum + batch.count, 0);
  return (images * 1000) / (batches[batches.length - 1]!.at - batches[0]!.at);
}

/** `count` distinct JPEGs made from the bird photos (re-encoded with a varying quality, so no two files share content). */
async function makeFolder(folder: string, count: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  const birds = (await readdir(join(reference, 'birds', 'images'))).filter((name) => name.endsWith('.jpg')).sort();
  for (let i = 0; i < count; i += 1) {
    const source = join(reference, 'birds', 'images', birds[i % birds.length]!);
    const target = join(folder, `img_${String(i).padStart(5, '0')}.jpg`);
    if (i < birds.length) await copyFile(source, target);
    else
      await sharp(source)
        .jpeg({ quality: 80 + (Math.floor(i / birds.length) % 15) })
        .toFile(target);
  }
}

function envFor(work: string, tag: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    FIELDMARK_USER_DATA: join(work, `user-${tag}`),
    FIELDMARK_CACHE_DIR: join(work, `cache-${tag}`),
    FIELDMARK_DATA_DIR: join(work, `data-${tag}`),
  };
}

async function runCli(work: string, folder: string, model: string, tag: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      cliEntry,
      'classify',
      folder,
      '--model',
      model,
      '--db',
      join(work, `${tag}.sqlite`),
      '--json',
      '--batch',
      String(BATCH),
    ],
    { env: envFor(work, tag), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const batches: { at: number; count: number }[] = [];
  let rest = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now();
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    const results = lines.filter((line) => line.includes('"type":"result"')).length;
    if (results > 0) batches.push({ at, count: results });
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`classify exited ${code}: ${stderr}`);
  return steadyRate(mergeBatches(batches));
}

/** Chunks of stdout do not line up with batches: lines arriving within 2 ms are one batch. */
function mergeBatches(batches: { at: number; count: number }[]): { at: number; count: number }[] {
  const merged: { at: number; count: number }[] = [];
  for (const batch of batches) {
    const last = merged[merged.length - 1];
    if (last && batch.at - last.at < 2) last.count += batch.count;
    else merged.push({ ...batch });
  }
  return merged;
}

async function runApp(work: string, folder: string, model: string, tag: string): Promise<number> {
  const env = envFor(work, tag);
  const service = new AppService({
    paths: { userDataDir: env.FIELDMARK_USER_DATA!, cacheDir: env.FIELDMARK_CACHE_DIR! },
    env,
    version: 'bench',
    transport: 'electron',
    models: defaultModelProvider({ cwd: work, env }),
    overrides: { modelId: model, batchSize: BATCH },
    dbPath: join(work, `${tag}.sqlite`),
  });
  const batches: { at: number; count: number }[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    service.onEvent((event) => {
      if (event.type === 'predictions') batches.push({ at: performance.now(), count: event.items.length });
      if (event.type === 'indexing' && event.status.state === 'finished') resolve();
      if (event.type === 'indexing' && event.status.state === 'failed')
        reject(new Error(event.status.message ?? 'failed'));
    });
  });
  await service.openLibrary(folder);
  await finished;
  await service.close();
  return steadyRate(batches);
}

async function runServe(work: string, folder: string, model: string, tag: string): Promise<number> {
  const start = join(work, `serve-start-${tag}`);
  await mkdir(start, { recursive: true });
  const env = envFor(work, tag);
  const child = spawn(
    process.execPath,
    [cliEntry, 'serve', start, '--model', model, '--port', '0', '--batch', String(BATCH)],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = new URL(
      await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('close', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      }),
    );
    const token = url.searchParams.get('token')!;
    const origin = `http://${url.host}`;
    const socket = new WebSocket(`ws://${url.host}/ws?token=${token}`, { origin });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const batches: { at: number; count: number }[] = [];
    let seq = 0;
    const pending = new Map<number, (value: unknown) => void>();
    const call = (method: string, input: unknown) =>
      new Promise<unknown>((resolve) => {
        seq += 1;
        pending.set(seq, resolve);
        socket.send(JSON.stringify({ type: 'request', seq, method, input }));
      });
    let thumbnailsFetched = false;
    const finished = new Promise<void>((resolve, reject) => {
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return; // a feature frame: received and dropped, as the renderer's counter does
        const message = JSON.parse(data.toString()) as {
          type: string;
          seq?: number;
          reply?: unknown;
          event?: { type: string; items?: unknown[]; status?: { state: string; message: string | null } };
        };
        if (message.type === 'reply') return pending.get(message.seq!)?.(message.reply);
        const event = message.event!;
        if (event.type === 'predictions') {
          batches.push({ at: performance.now(), count: event.items!.length });
          if (!thumbnailsFetched && !process.env.BENCH_NO_THUMBNAILS) {
            // The grid's first screen: a page of tiles and their thumbnails, as the browser fetches them.
            thumbnailsFetched = true;
            void call('images.list', { sort: 'name', order: 'asc', offset: 0, limit: 60 }).then(async (reply) => {
              const items = (reply as { value?: { items: { id: number }[] } }).value?.items ?? [];
              await Promise.all(
                items.map((item) =>
                  fetch(`${origin}/thumb/${item.id}`, { headers: { Authorization: `Bearer ${token}` } }).then(
                    (response) => response.arrayBuffer(),
                  ),
                ),
              );
            });
          }
        }
        if (event.type === 'indexing' && event.status!.state === 'finished' && batches.length > 0) resolve();
        if (event.type === 'indexing' && event.status!.state === 'failed')
          reject(new Error(event.status!.message ?? 'failed'));
      });
    });
    await call('library.open', { root: folder });
    await finished;
    socket.close();
    return steadyRate(batches);
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => (child.exitCode === null ? child.on('close', resolve) : resolve(null)));
  }
}

const work = await mkdtemp(join(tmpdir(), 'fieldmark-bench-frontends-'));
try {
  const r20 = join(work, 'resnet20.onnx');
  const weights = (await readdir(join(reference, 'weights'))).find((name) => name.startsWith('resnet20-'))!;
  await convertCheckpoint({
    checkpointPath: join(reference, 'weights', weights),
    outPath: r20,
    like: 'akamaster-resnet20_cifar10',
  });
  const r50 = join(work, 'resnet50.onnx');
  await buildSeededModel({ architecture: 'resnet50', classes: 'imagenet1k', seed: 1, outPath: r50 });
  const results: Record<string, unknown>[] = [];
  for (const [name, model, count] of [
    ['resnet20', r20, counts.r20],
    ['resnet50', r50, counts.r50],
  ] as const) {
    if (count === 0) continue; // --r20 0 / --r50 0 skips a model
    const folder = join(work, `photos-${name}`);
    await makeFolder(folder, count);
    const best: Record<Front, number> = { cli: 0, app: 0, serve: 0 };
    for (let round = 0; round < rounds; round += 1) {
      for (const front of ['cli', 'app', 'serve'] as const) {
        const tag = `${name}-${front}-${round}`; // a fresh catalog every run: everything is indexed
        const rate =
          front === 'cli'
            ? await runCli(work, folder, model, tag)
            : front === 'app'
              ? await runApp(work, folder, model, tag)
              : await runServe(work, folder, model, tag);
        console.log(`${name} ${front} round ${round + 1}: ${rate.toFixed(1)} images/s`);
        best[front] = Math.max(best[front], rate);
      }
    }
    const row = {
      model: name,
      images: count,
      cli: round1(best.cli),
      app: round1(best.app),
      serve: round1(best.serve),
      app_vs_cli: round3(best.app / best.cli),
      serve_vs_cli: round3(best.serve / best.cli),
    };
    console.log(JSON.stringify(row));
    results.push(row);
  }
  if (values.json) await writeFile(values.json, JSON.stringify(results, null, 2));
} finally {
  await rm(work, { recursive: true, force: true });
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
