/**
 * The int8 model's speed-up over the float one on this machine (inference alone, same batch,
 * median of repeated runs), and which kernels onnxruntime actually ran (from its profiler), to
 * show that every Conv became an int8 kernel.
 */
import { cpus } from 'node:os';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { MODEL_INPUT_NAME } from '../onnx/model-metadata.js';
import { batchTensor, createCpuSession, type Session } from './session.js';

/** About 8 ImageNet-size images' worth of pixels per timed batch: tiny CIFAR inputs need many more images than 8 to time anything but call overhead. */
const SPEED_PIXELS = 8 * 224 * 224;
const MAX_SPEED_BATCH = 512;
const MIN_RUNS = 3;
/** Small models run in microseconds: keep timing until this much time has passed, then take the median. */
const MIN_TIMED_MS = 400;

async function medianRunMs(session: Session, batch: ort.Tensor): Promise<number> {
  await session.run({ [MODEL_INPUT_NAME]: batch });
  const times: number[] = [];
  const started = performance.now();
  while (times.length < MIN_RUNS || performance.now() - started < MIN_TIMED_MS) {
    const t0 = performance.now();
    await session.run({ [MODEL_INPUT_NAME]: batch });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** fp32 time / int8 time for one batch built from `images`, and a description of this machine. */
export async function measureSpeedup(
  fp32: Session,
  int8: Session,
  images: Float32Array[],
  input: { height: number; width: number },
): Promise<{ speedup: number; fp32Ms: number; int8Ms: number; measuredOn: string }> {
  const size = Math.max(1, Math.min(MAX_SPEED_BATCH, Math.ceil(SPEED_PIXELS / (input.height * input.width))));
  const batch = batchTensor(
    Array.from({ length: size }, (_, i) => images[i % images.length] as Float32Array),
    input.height,
    input.width,
  );
  const fp32Ms = await medianRunMs(fp32, batch);
  const int8Ms = await medianRunMs(int8, batch);
  const cpu = cpus();
  return {
    speedup: fp32Ms / int8Ms,
    fp32Ms,
    int8Ms,
    measuredOn: `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} threads, batch ${size}`,
  };
}

/** How many nodes of each operator onnxruntime ran for one image (after its graph optimisations). */
export async function profileKernels(
  model: string | Uint8Array,
  image: Float32Array,
  input: { height: number; width: number },
): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldmark-profile-'));
  try {
    const session = await createCpuSession(model, { enableProfiling: true, profileFilePrefix: join(dir, 'ort') });
    await session.run({ [MODEL_INPUT_NAME]: batchTensor([image], input.height, input.width) });
    session.endProfiling();
    await session.release();
    const file = (await readdir(dir)).find((name) => name.endsWith('.json'));
    if (!file) return {};
    const events = JSON.parse(await readFile(join(dir, file), 'utf8')) as Array<{
      cat?: string;
      name?: string;
      args?: { op_name?: string };
    }>;
    const counts: Record<string, number> = {};
    const seen = new Set<string>();
    for (const event of events) {
      const op = event.args?.op_name;
      if (event.cat !== 'Node' || !op || !event.name?.endsWith('_kernel_time')) continue;
      if (seen.has(event.name)) continue;
      seen.add(event.name);
      counts[op] = (counts[op] ?? 0) + 1;
    }
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Float convolutions left after onnxruntime's fusions (0 when every Conv runs as an int8 kernel). */
export function floatConvCount(kernels: Record<string, number>): number {
  return (kernels['Conv'] ?? 0) + (kernels['FusedConv'] ?? 0);
}
