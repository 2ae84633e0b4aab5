/**
 * Worker thread for the models page: downloads, hashes and converts a model off the engine's
 * event loop (hashing a 100 MB checkpoint and converting it are CPU work that would stall the
 * UI's requests and events). Protocol: one job per worker, `progress` messages, then `done` or `failed`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { importModel, installModel, type InstallResult } from '../zoo/fetch/install-model.js';
import { convertCheckpoint } from '../zoo/checkpoint/convert-checkpoint.js';
import { modelsCacheDir } from '../zoo/fetch/model-cache.js';
import { toErrorData } from '../util/errors.js';

export type InstallJob =
  | { op: 'download'; id: string; env: NodeJS.ProcessEnv }
  | { op: 'import'; path: string; like: string | undefined; env: NodeJS.ProcessEnv };

export type InstallMessage =
  | { type: 'progress'; received: number; total: number | null }
  | { type: 'done'; id: string; path: string; report: string[] }
  | { type: 'failed'; error: ReturnType<typeof toErrorData> };

function report(result: InstallResult | { path: string; conversion: InstallResult['conversion'] }): string[] {
  const c = result.conversion;
  if (!c) return [`already installed at ${result.path}`];
  return [
    `${c.structure}`,
    `${c.parameterCount.toLocaleString('en')} parameters, ${(c.bytes / 1e6).toFixed(1)} MB (${c.format} checkpoint)`,
    `written to ${c.path}`,
    ...c.warnings.map((w) => `warning: ${w}`),
  ];
}

async function run(job: InstallJob): Promise<InstallMessage> {
  if (job.op === 'download') {
    let last = 0;
    const result = await installModel(job.id, {
      env: job.env,
      onProgress: (received, total) => {
        // At most ~10 messages a second: the UI needs a moving bar, not every chunk.
        const now = Date.now();
        if (now - last < 100 && received !== total) return;
        last = now;
        parentPort?.postMessage({ type: 'progress', received, total } satisfies InstallMessage);
      },
    });
    return { type: 'done', id: result.id, path: result.path, report: report(result) };
  }
  if (job.like !== undefined) {
    const result = await importModel(job.path, job.like, { env: job.env });
    return { type: 'done', id: result.id, path: result.path, report: report(result) };
  }
  // A checkpoint of no registry model: converted into the cache's imported/ folder, by file name.
  const dir = join(modelsCacheDir(job.env), 'imported');
  await mkdir(dir, { recursive: true });
  const outPath = join(dir, `${basename(job.path).replace(/\.[^.]+$/, '')}.onnx`);
  const conversion = await convertCheckpoint({ checkpointPath: job.path, outPath, env: job.env });
  return { type: 'done', id: outPath, path: outPath, report: report({ path: outPath, conversion }) };
}

const job = workerData as InstallJob;
run(job).then(
  (message) => parentPort?.postMessage(message),
  (error: unknown) => parentPort?.postMessage({ type: 'failed', error: toErrorData(error) } satisfies InstallMessage),
);
