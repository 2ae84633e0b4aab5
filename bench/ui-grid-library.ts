/**
 * The 100,000-image library of the UI benchmark, made without running a model on every image:
 * hard links to ~200 real JPEGs (CIFAR-10 test images and bird photos), and a catalog filled
 * directly with plausible fake results for a real (seeded) model, written exactly as the indexing
 * job would write them, so that `serve` opens the catalog, rescans and finds nothing to process.
 */
import { copyFile, link, mkdir, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { Catalog, type ImageResult, type TopKEntry } from '../main/engine/catalog/index.js';
import { reconcileScan, sha256File, walkLibrary } from '../main/engine/scan/index.js';
import { buildSeededModel } from '../main/zoo/resnet/build-model.js';
import { readModelMetadata } from '../main/zoo/onnx/model-file.js';
import { mulberry32 } from '../main/util/seeded-random.js';

export interface BenchLibrary {
  folder: string;
  dbPath: string;
  modelPath: string;
  libraryId: number;
  modelRowId: number;
  classNames: string[];
  /** Top-1 counts per class index, to check what the UI shows after filtering. */
  top1Counts: number[];
  /** What the grid must show first when sorted by confidence, ascending. */
  leastConfidentImageId: number;
  timings: Record<string, number>;
}

const IMAGES_PER_FOLDER = 1000;
const WRITE_BATCH = 1000;
const TOP_K = 5;

/** Small seeded PRNG (mulberry32) with a Box-Muller normal, so every run writes the same results. */
function seededRandom(seed: number): { uniform(): number; normal(): number } {
  const uniform = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** A softmax over random logits: spread-out confidences, as an untrained-but-real model gives. */
function fakeTopK(random: ReturnType<typeof seededRandom>, classCount: number): TopKEntry[] {
  const logits = Array.from({ length: classCount }, () => random.normal() * 1.8);
  const max = Math.max(...logits);
  const exps = logits.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps
    .map((value, index) => ({ index, prob: value / sum }))
    .sort((a, b) => b.prob - a.prob)
    .slice(0, TOP_K);
}

function fakeFeature(random: ReturnType<typeof seededRandom>, dim: number): Float32Array {
  const vector = Float32Array.from({ length: dim }, () => random.normal());
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

interface SourceImage {
  name: string;
  path: string;
  fingerprint: string;
  width: number;
  height: number;
}

/** Copies the source JPEGs next to the library (links must stay on one file system) and reads what writeResults needs. */
async function prepareSources(referenceDir: string, sourcesDir: string): Promise<SourceImage[]> {
  await mkdir(sourcesDir, { recursive: true });
  const cifarDir = join(referenceDir, 'cifar10_test', 'jpg');
  const birdsDir = join(referenceDir, 'birds', 'images');
  const cifar = (await readdir(cifarDir))
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .filter((_, i) => i % 100 === 0)
    .slice(0, 100);
  const birds = (await readdir(birdsDir))
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .slice(0, 100);
  const picked = [...cifar.map((name) => join(cifarDir, name)), ...birds.map((name) => join(birdsDir, name))];
  const sources: SourceImage[] = [];
  for (const original of picked) {
    const name = original.slice(original.lastIndexOf('/') + 1);
    const path = join(sourcesDir, name);
    await copyFile(original, path);
    const meta = await sharp(path).metadata();
    sources.push({ name, path, fingerprint: await sha256File(path), width: meta.width ?? 1, height: meta.height ?? 1 });
  }
  return sources;
}

/**
 * Builds the library folder, the model and the filled catalog under `workDir`.
 * @throws FieldmarkError from the catalog or the model builder when something is off.
 */
export async function buildBenchLibrary(options: {
  workDir: string;
  referenceDir: string;
  imageCount: number;
  log: (line: string) => void;
}): Promise<BenchLibrary> {
  const { workDir, imageCount, log } = options;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, task: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    const result = await task();
    timings[name] = performance.now() - start;
    log(`  ${name}: ${(timings[name] / 1000).toFixed(1)} s`);
    return result;
  };

  const sources = await timed('copy sources', () => prepareSources(options.referenceDir, join(workDir, 'sources')));
  const folder = join(workDir, 'library');
  const byRelPath = new Map<string, SourceImage>();
  await timed(`link ${imageCount} files`, async () => {
    for (let start = 0; start < imageCount; start += IMAGES_PER_FOLDER) {
      const sub = `f${String(start / IMAGES_PER_FOLDER).padStart(3, '0')}`;
      await mkdir(join(folder, sub), { recursive: true });
      const links: Promise<void>[] = [];
      for (let i = start; i < Math.min(imageCount, start + IMAGES_PER_FOLDER); i++) {
        const source = sources[i % sources.length]!;
        const relPath = `${sub}/${String(i).padStart(6, '0')}_${source.name}`;
        byRelPath.set(relPath, source);
        links.push(link(source.path, join(folder, sub, relPath.slice(sub.length + 1))));
      }
      await Promise.all(links);
    }
  });

  const modelPath = join(workDir, 'model.onnx');
  await timed('build model', () =>
    buildSeededModel({ architecture: 'akamaster-resnet20', classes: 'cifar10', seed: 1, outPath: modelPath }),
  );
  // What `serve` reads from the file, so that the stored metadata and hash match its job's.
  const metadata = await readModelMetadata(modelPath);

  const dbPath = join(workDir, 'catalog.sqlite');
  const catalog = Catalog.open(dbPath);
  try {
    const libraryId = catalog.ensureLibrary(await realpath(folder));
    const walked = await timed('walk', () =>
      walkLibrary(folder, (problem) => log(`  walk problem: ${problem.message}`)),
    );
    const scan = await timed('reconcile (insert pending)', () => reconcileScan(catalog, libraryId, walked));
    if (scan.added !== imageCount)
      throw new Error(`expected ${imageCount} new images from the scan, received ${scan.added}`);
    // As index-job.ts: the model's id, the sha256 of its file, its metadata as JSON, class count and feature size.
    const modelRowId = catalog.ensureModel({
      id: metadata.id,
      fileSha256: await sha256File(modelPath),
      metadataJson: JSON.stringify(metadata),
      classCount: metadata.classNames.length,
      featureDim: metadata.featureDim,
    });
    const top1Counts = new Array<number>(metadata.classNames.length).fill(0);
    await timed('write fake results', () => {
      const random = seededRandom(1);
      const queue = catalog.imagesToProcess(libraryId, modelRowId);
      for (let start = 0; start < queue.length; start += WRITE_BATCH) {
        const results: ImageResult[] = queue.slice(start, start + WRITE_BATCH).map((image) => {
          const source = byRelPath.get(image.relPath);
          if (!source) throw new Error(`catalog holds ${image.relPath}, which the benchmark did not create`);
          const topk = fakeTopK(random, metadata.classNames.length);
          top1Counts[topk[0]!.index]! += 1;
          return {
            imageId: image.id,
            ok: true,
            fingerprint: source.fingerprint,
            width: source.width,
            height: source.height,
            orientation: 1,
            format: 'jpeg',
            takenAt: null,
            camera: null,
            topk,
            feature: fakeFeature(random, metadata.featureDim),
          };
        });
        catalog.writeResults(modelRowId, results);
      }
    });
    const left = catalog.imagesToProcess(libraryId, modelRowId).length;
    if (left !== 0) throw new Error(`after writing the fake results ${left} images still wait for the model`);
    const [leastConfident] = catalog.listImages({
      libraryId,
      modelRowId,
      sort: 'confidence',
      order: 'asc',
      limit: 1,
    }).items;
    if (!leastConfident) throw new Error('the catalog lists no image after writing the fake results');
    return {
      folder,
      dbPath,
      modelPath,
      libraryId,
      modelRowId,
      classNames: metadata.classNames,
      top1Counts,
      leastConfidentImageId: leastConfident.id,
      timings,
    };
  } finally {
    catalog.close();
  }
}

/** Times the grid's list queries (one page of 200, as the renderer asks) straight on the catalog. */
export function timeListQueries(
  library: BenchLibrary,
  imageCount: number,
): { query: string; ms: number; total: number }[] {
  const catalog = Catalog.open(library.dbPath, { readonly: true });
  try {
    const base = { libraryId: library.libraryId, modelRowId: library.modelRowId, limit: 200 } as const;
    const last = Math.max(0, Math.floor((imageCount - 1) / 200) * 200);
    const busiest = library.top1Counts.indexOf(Math.max(...library.top1Counts));
    const cases: [string, Parameters<Catalog['listImages']>[0]][] = [
      ['name, first page', { ...base, sort: 'name', offset: 0 }],
      ['name, last page', { ...base, sort: 'name', offset: last }],
      ['confidence desc, first page', { ...base, sort: 'confidence', order: 'desc', offset: 0 }],
      [
        'confidence desc, middle page',
        { ...base, sort: 'confidence', order: 'desc', offset: Math.floor(last / 400) * 200 },
      ],
      ['class filter, name, first page', { ...base, classIndex: busiest, sort: 'name', offset: 0 }],
      ['class filter, confidence desc', { ...base, classIndex: busiest, sort: 'confidence', order: 'desc', offset: 0 }],
      ['path search "Albatross"', { ...base, pathContains: 'Albatross', sort: 'name', offset: 0 }],
      ['status failed', { ...base, status: 'failed', sort: 'name', offset: 0 }],
    ];
    return cases.map(([query, args]) => {
      catalog.listImages(args); // the first run prepares the statement and warms the page cache
      const runs = 3;
      const start = performance.now();
      let total = 0;
      for (let i = 0; i < runs; i++) total = catalog.listImages(args).total;
      return { query, ms: (performance.now() - start) / runs, total };
    });
  } finally {
    catalog.close();
  }
}
