/**
 * `npm run bench:int8`: ResNet-50 float vs int8 in one run, on the same ~1 MP and ~12 MP JPEGs
 * (real ImageNet sample photos resized, quality 90):
 *  (a) onnxruntime alone on preprocessed tensors (batch 8), float and int8;
 *  (b) the whole classify pipeline into a fresh catalog, float and int8 (alternating, best of two);
 *  (c) decode + preprocess alone (two images in flight, as the pipeline does), to say where the time goes.
 * The int8 model is made by `quantizeModel` from the seeded ResNet-50, calibrated on the other
 * ImageNet samples (seeded weights: fine for speed, meaningless for accuracy; see
 * bench/quantize-accuracy.ts for accuracy on real weights).
 * Options: --images N (per size, default 64), --sizes 1mp,12mp, --calibration N (default 64), --json FILE.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Catalog } from '../main/engine/catalog/index.js';
import { startIndexJob } from '../main/engine/pipeline/index-job.js';
import { prepareImage } from '../main/engine/preprocess/index.js';
import { buildSeededModel } from '../main/zoo/resnet/build-model.js';
import { readModelMetadata } from '../main/zoo/onnx/model-file.js';
import type { ModelMetadata } from '../main/zoo/onnx/model-metadata.js';
import { batchTensor, createCpuSession } from '../main/zoo/quantize/session.js';
import { quantizeModel } from '../main/zoo/quantize/quantize-model.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const samples = join(repoRoot, '..', 'shared', 'reference', 'imagenet_samples', 'images');
const SIZES = { '1mp': { width: 1224, height: 816 }, '12mp': { width: 4032, height: 3024 } } as const;
type SizeName = keyof typeof SIZES;
const BATCH = 8;

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    sizes: { type: 'string' },
    calibration: { type: 'string' },
    json: { type: 'string' },
  },
});
const imageCount = Number(values.images ?? 64);
const calibrationCount = Number(values.calibration ?? 64);
const sizeNames = (values.sizes ?? '1mp,12mp').split(',') as SizeName[];
const threads = availableParallelism();
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

sharp.concurrency(1);
const work = mkdtempSync(join(tmpdir(), 'fieldmark-bench-int8-'));
try {
  console.log(`machine: ${cpus()[0]?.model.trim() ?? 'unknown cpu'}, ${threads} cores`);
  const sources = readdirSync(samples)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort();
  // The benchmark photos are every 7th sample; calibration uses other samples, so it never sees them.
  const benchSources = sources.filter((_, i) => i % 7 === 0);
  const calibrationFolder = join(work, 'calibration');
  mkdirSync(calibrationFolder);
  for (const name of sources.filter((_, i) => i % 7 !== 0).slice(0, calibrationCount + 16)) {
    await sharp(join(samples, name)).rotate().jpeg({ quality: 90 }).toFile(join(calibrationFolder, name));
  }
  const fp32Path = join(work, 'resnet50.onnx');
  await buildSeededModel({ architecture: 'resnet50', classes: 'imagenet1k', seed: 1, outPath: fp32Path });
  const quantStarted = performance.now();
  const quantized = await quantizeModel({
    model: fp32Path,
    calibrationFolder,
    images: calibrationCount,
    checkImages: 16,
    outPath: join(work, 'resnet50-int8.onnx'),
  });
  console.log(
    `quantized in ${((performance.now() - quantStarted) / 1000).toFixed(1)} s; kernels: ${JSON.stringify(quantized.kernels)}; ` +
      `float convs left: ${quantized.floatConvs}; speed-up measured by the quantizer: ${quantized.quantization.speedup}x`,
  );
  const metadata = await readModelMetadata(fp32Path);
  const int8Metadata = await readModelMetadata(quantized.path);
  const results: Record<string, unknown>[] = [];
  for (const size of sizeNames) {
    const folder = join(work, size);
    await makeBenchJpegs(folder, SIZES[size], benchSources);
    const tensors = await preprocessAll(folder, metadata);
    const prep = await preprocessRate(folder, metadata);
    const aloneFp32 = await inferenceRate(fp32Path, tensors.list, metadata);
    const aloneInt8 = await inferenceRate(quantized.path, tensors.list, metadata);
    // Float and int8 pipelines alternate, best of two each, so a burst of load on a shared machine does not favour either.
    let pipeFp32 = 0;
    let pipeInt8 = 0;
    for (let pass = 0; pass < 2; pass += 1) {
      pipeFp32 = Math.max(
        pipeFp32,
        await pipelineRate(fp32Path, metadata, folder, join(work, `${size}-fp32-${pass}.sqlite`)),
      );
      pipeInt8 = Math.max(
        pipeInt8,
        await pipelineRate(quantized.path, int8Metadata, folder, join(work, `${size}-int8-${pass}.sqlite`)),
      );
    }
    const row = {
      size,
      images: imageCount,
      decode_preprocess: round(prep),
      alone_fp32: round(aloneFp32),
      alone_int8: round(aloneInt8),
      alone_ratio: round(aloneInt8 / aloneFp32, 2),
      pipeline_fp32: round(pipeFp32),
      pipeline_int8: round(pipeInt8),
      pipeline_ratio: round(pipeInt8 / pipeFp32, 2),
      int8_pipeline_vs_alone: round(pipeInt8 / aloneInt8, 2),
    };
    results.push(row);
    console.log(
      `${size}: decode+preprocess ${row.decode_preprocess} img/s | inference alone fp32 ${row.alone_fp32}, int8 ${row.alone_int8} img/s (${row.alone_ratio}x) | ` +
        `pipeline fp32 ${row.pipeline_fp32}, int8 ${row.pipeline_int8} img/s (${row.pipeline_ratio}x; int8 pipeline at ${(row.int8_pipeline_vs_alone * 100).toFixed(0)}% of int8 alone)`,
    );
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function makeBenchJpegs(
  folder: string,
  size: { width: number; height: number },
  sources: string[],
): Promise<void> {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < imageCount; i += 1) {
    const source = join(samples, sources[i % sources.length] as string);
    await sharp(source)
      .rotate()
      .resize(size.width, size.height, { fit: 'cover' })
      .jpeg({ quality: 90 })
      .toFile(join(folder, `img${String(i).padStart(4, '0')}.jpg`));
  }
}

async function preprocessAll(folder: string, metadata: ModelMetadata): Promise<{ list: Float32Array[] }> {
  const list: Float32Array[] = [];
  for (const file of readdirSync(folder).sort())
    list.push((await prepareImage(await readFile(join(folder, file)), metadata.preprocess)).tensor);
  return { list };
}

/** (c) read + decode + preprocess, two images in flight: the rate the loader can feed inference at. */
async function preprocessRate(folder: string, metadata: ModelMetadata): Promise<number> {
  const files = readdirSync(folder).sort();
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next] as string;
      next += 1;
      await prepareImage(await readFile(join(folder, file)), metadata.preprocess);
    }
  };
  await Promise.all([worker(), worker()]);
  return files.length / ((performance.now() - started) / 1000);
}

/** (a) one session, batches of 8 after a warm-up batch; best of two passes. */
async function inferenceRate(modelPath: string, tensors: Float32Array[], metadata: ModelMetadata): Promise<number> {
  const { width, height } = metadata.preprocess.input;
  const session = await createCpuSession(modelPath, { intraOpNumThreads: threads });
  await session.run({ input: batchTensor(tensors.slice(0, BATCH), height, width) });
  let best = 0;
  for (let pass = 0; pass < 2; pass += 1) {
    const started = performance.now();
    for (let from = 0; from < tensors.length; from += BATCH)
      await session.run({ input: batchTensor(tensors.slice(from, from + BATCH), height, width) });
    best = Math.max(best, tensors.length / ((performance.now() - started) / 1000));
  }
  await session.release();
  return best;
}

/** (b) the classify pipeline into a fresh catalog, as `bench/run.ts` measures it. */
async function pipelineRate(
  modelPath: string,
  metadata: ModelMetadata,
  folder: string,
  dbPath: string,
): Promise<number> {
  const catalog = Catalog.open(dbPath);
  try {
    const libraryId = catalog.ensureLibrary(folder);
    const job = startIndexJob(
      {
        catalog,
        libraryId,
        libraryRoot: folder,
        model: { path: modelPath, metadata },
        device: 'cpu',
        batchSize: BATCH,
        threads,
        topK: 5,
      },
      () => undefined,
    );
    const summary = await job.done;
    if (summary.failed > 0 || summary.processed !== imageCount)
      throw new Error(`pipeline processed ${summary.processed}, failed ${summary.failed}`);
    return summary.imagesPerSecond;
  } finally {
    catalog.close();
  }
}
