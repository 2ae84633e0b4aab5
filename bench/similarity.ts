/**
 * `npm run bench:similar`: the similarity engine's figures, in one run.
 *  quality  The 10,000 CIFAR-10 test JPEGs classified with the pretrained ResNet-20 (imported from
 *           ../shared/reference/weights): the share of each image's 10 nearest neighbours (exact,
 *           centred cosine) that have its class, averaged over all 10,000 queries; and the HNSW
 *           index's recall@10 against exact search on those real features.
 *  exact    100,000 x 2048 vectors: median single-query time of usearch's exact search against
 *           the plain-JS scan (the baseline, measured in the same run).
 *  hnsw     1,000,000 x 64 vectors: build time, memory, median query time and recall@10 against
 *           exact search, at three expansion_search values.
 *  dups     Near-duplicate grouping (HNSW self-join + grouping around centres) of 100,000 vectors.
 *  umap     The UMAP map of 100,000 points (5,000-point UMAP + placement of the rest).
 * Synthetic vectors are made from the real ResNet-20 features (see `synthesize`): never random data,
 * which says nothing about HNSW recall. Options: --parts quality,exact,hnsw,dups,umap  --million N  --cifar N  --large N  --json FILE.
 */
import { copyFileSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { Catalog } from '../main/engine/catalog/index.js';
import { FeatureStore } from '../main/engine/similarity/feature-store.js';
import { centreRows, meanVector } from '../main/engine/similarity/centring.js';
import { exactNeighbours } from '../main/engine/similarity/exact-search.js';
import { HnswIndex, DEFAULT_HNSW, type HnswParams } from '../main/engine/similarity/hnsw-index.js';
import { nearestNeighbours } from '../main/engine/similarity/vector-search.js';
import { findDuplicateGroups } from '../main/engine/similarity/duplicates.js';
import { umapProjection, seededRandom } from '../main/engine/similarity/projection.js';
import { normalizeInPlace } from '../main/engine/similarity/query-vector.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const reference = join(repoRoot, '..', 'shared', 'reference');
const { values } = parseArgs({
  options: {
    parts: { type: 'string' },
    million: { type: 'string' },
    cifar: { type: 'string' },
    large: { type: 'string' },
    json: { type: 'string' },
  },
});
const parts = new Set((values.parts ?? 'quality,exact,hnsw,dups,umap').split(','));
const MILLION = Number(values.million ?? 1_000_000);
/** CIFAR-10 test images classified (all 10,000 by default) and the size of the 100k sets; smaller for a dry run. */
const CIFAR_IMAGES = Number(values.cifar ?? 10_000);
const LARGE = Number(values.large ?? 100_000);
const results: Record<string, unknown> = { machine: `${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores` };
const work = mkdtempSync(join(tmpdir(), 'fieldmark-bench-sim-'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const log = (line: string) => console.log(line);

/** The CIFAR-10 test features of the pretrained ResNet-20 (classified through the real CLI), centred, with their classes. */
function cifarFeatures(): { store: FeatureStore; classes: Int32Array } {
  const folder = join(work, 'cifar');
  mkdirSync(folder);
  const names = readdirSync(join(reference, 'cifar10_test', 'jpg'))
    .sort()
    .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / CIFAR_IMAGES)) === 0)
    .slice(0, CIFAR_IMAGES);
  for (const name of names) copyFileSync(join(reference, 'cifar10_test', 'jpg', name), join(folder, name));
  const env = { ...process.env, FIELDMARK_CACHE_DIR: join(work, 'cache'), FIELDMARK_DATA_DIR: join(work, 'data') };
  const cli = join(repoRoot, 'bin', 'fieldmark');
  const model = join(work, 'r20.onnx');
  const run = (args: string[]) => {
    const done = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`fieldmark ${args[0]} failed: ${done.stderr}`);
  };
  run([
    'models',
    'convert',
    join(reference, 'weights', 'resnet20-12fca82f.th'),
    '--like',
    'akamaster-resnet20_cifar10',
    '--out',
    model,
  ]);
  const started = performance.now();
  run(['classify', folder, '--model', model, '--db', join(work, 'cifar.sqlite')]);
  log(
    `classified ${names.length} CIFAR-10 test JPEGs with ResNet-20 in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const catalog = Catalog.open(join(work, 'cifar.sqlite'), { readonly: true });
  const matrix = catalog.features(1, catalog.listModels()[0]!.rowId);
  const paths = new Map(
    catalog.listImages({ libraryId: 1, modelRowId: null }).items.map((item) => [item.id, item.relPath]),
  );
  catalog.close();
  const store = FeatureStore.from(
    matrix.imageIds,
    matrix.dim,
    centreRows(matrix.vectors, matrix.dim, meanVector(matrix.vectors, matrix.dim)),
  );
  const classes = Int32Array.from(matrix.imageIds, (id) => Number(/_(\d)\.jpg$/.exec(paths.get(id) ?? '')?.[1] ?? -1));
  return { store, classes };
}

/**
 * `count` synthetic unit vectors of `dim` floats made from real features: each is a random point
 * on the segment from a real feature towards one of its 10 nearest real neighbours (t in [0, 0.5]),
 * plus Gaussian noise (0.03 per unit length), then, for dim > the real dim, a fixed random
 * Gaussian projection followed by ReLU (what a wider pooled-feature layer looks like), renormalised.
 */
function synthesize(real: FeatureStore, count: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const neighbours: Int32Array[] = [];
  for (let row = 0; row < real.size; row++) {
    const found = exactNeighbours(real, real.vectors.subarray(row * real.dim, (row + 1) * real.dim), 11, null);
    neighbours.push(
      Int32Array.from(found.filter((n) => n.imageId !== real.imageIds[row]).slice(0, 10), (n) => real.row(n.imageId)!),
    );
  }
  const projection =
    dim === real.dim ? null : Float32Array.from({ length: dim * real.dim }, () => gauss() / Math.sqrt(real.dim));
  const out = new Float32Array(count * dim);
  const base = new Float32Array(real.dim);
  for (let i = 0; i < count; i++) {
    const a = Math.floor(random() * real.size);
    const b = neighbours[a]![Math.floor(random() * neighbours[a]!.length)]!;
    const t = random() * 0.5;
    for (let d = 0; d < real.dim; d++)
      base[d] =
        (1 - t) * real.vectors[a * real.dim + d]! +
        t * real.vectors[b * real.dim + d]! +
        (0.03 / Math.sqrt(real.dim)) * gauss();
    const row = out.subarray(i * dim, (i + 1) * dim);
    if (!projection) row.set(base);
    else
      for (let o = 0; o < dim; o++) {
        let sum = 0;
        for (let d = 0; d < real.dim; d++) sum += projection[o * real.dim + d]! * base[d]!;
        row[o] = Math.max(0, sum);
      }
    normalizeInPlace(row);
  }
  return out;
}

function recallAt10(
  store: FeatureStore,
  index: HnswIndex,
  queries: number,
  seed: number,
): { recall: number; medianMs: number } {
  const random = seededRandom(seed);
  let hits = 0;
  const times: number[] = [];
  for (let q = 0; q < queries; q++) {
    const row = Math.floor(random() * store.size);
    const query = store.vectors.subarray(row * store.dim, (row + 1) * store.dim);
    const truth = new Set(exactNeighbours(store, query, 10, null).map((n) => n.imageId));
    const started = performance.now();
    const found = index.search(query, 10, null, 1);
    times.push(performance.now() - started);
    hits += found.filter((n) => truth.has(n.imageId)).length;
  }
  return { recall: hits / (queries * 10), medianMs: median(times) };
}

function buildIndex(
  store: FeatureStore,
  params: HnswParams,
): { index: HnswIndex; seconds: number; rssDeltaMiB: number } {
  const before = rssMiB();
  const started = performance.now();
  const index = new HnswIndex(store.dim, params);
  for (let from = 0; from < store.size; from += 100_000)
    index.addRows(store, from, Math.min(store.size, from + 100_000));
  return { index, seconds: (performance.now() - started) / 1000, rssDeltaMiB: rssMiB() - before };
}

function withIds(count: number, dim: number, vectors: Float32Array): FeatureStore {
  return FeatureStore.from(
    Int32Array.from({ length: count }, (_, i) => i + 1),
    dim,
    vectors,
  );
}

try {
  log(`machine: ${results.machine as string}`);
  const { store: real, classes } = cifarFeatures();

  if (parts.has('quality')) {
    let same = 0;
    for (let row = 0; row < real.size; row++) {
      const id = real.imageIds[row]!;
      const found = exactNeighbours(
        real,
        real.vectors.subarray(row * real.dim, (row + 1) * real.dim),
        10,
        (other) => other !== id,
      );
      same += found.filter((n) => classes[real.row(n.imageId)!] === classes[row]).length;
    }
    const share = same / (real.size * 10);
    const { index } = buildIndex(real, DEFAULT_HNSW);
    const recall = recallAt10(real, index, 1000, 3);
    results.quality = {
      images: real.size,
      dim: real.dim,
      same_class_share_at_10: round(share, 4),
      hnsw_recall_at_10: round(recall.recall, 4),
    };
    log(
      `quality: CIFAR-10 test, ResNet-20 features (64-d): ${(share * 100).toFixed(2)}% of the 10 nearest neighbours share the query's class (chance 10%); HNSW recall@10 ${recall.recall.toFixed(4)}`,
    );
  }

  if (parts.has('exact')) {
    const n = LARGE;
    const dim = 2048;
    const store = withIds(n, dim, synthesize(real, n, dim, 11));
    const queries = 41;
    const fast: number[] = [];
    for (let q = 0; q < queries; q++) {
      const row = (q * 997) % n;
      const query = store.vectors.slice(row * dim, (row + 1) * dim);
      const started = performance.now();
      exactNeighbours(store, query, 10, null);
      fast.push(performance.now() - started);
    }
    const truth: number[][] = [];
    for (let q = 0; q < queries; q++) {
      const row = (q * 997) % n;
      truth.push(
        exactNeighbours(store, store.vectors.slice(row * dim, (row + 1) * dim), 10, null).map((x) => x.imageId),
      );
    }
    store.enableCodes();
    const coded: number[] = [];
    let agree = 0;
    for (let q = 0; q < queries; q++) {
      const row = (q * 997) % n;
      const query = store.vectors.slice(row * dim, (row + 1) * dim);
      const started = performance.now();
      const found = exactNeighbours(store, query, 10, null);
      coded.push(performance.now() - started);
      agree += found.filter((x) => truth[q]!.includes(x.imageId)).length;
    }
    const slow: number[] = [];
    for (let q = 0; q < 5; q++) {
      const row = (q * 991) % n;
      const query = store.vectors.slice(row * dim, (row + 1) * dim);
      const started = performance.now();
      nearestNeighbours(store, query, 10);
      slow.push(performance.now() - started);
    }
    results.exact = {
      vectors: n,
      dim,
      usearch_f32_median_ms: round(median(fast)),
      usearch_int8_rescored_median_ms: round(median(coded)),
      int8_rescored_agreement_at_10: round(agree / (queries * 10), 4),
      plain_js_median_ms: round(median(slow)),
      speedup_f32: round(median(slow) / median(fast), 1),
      speedup_int8_rescored: round(median(slow) / median(coded), 1),
    };
    log(
      `exact: ${n} x ${dim}: usearch f32 ${median(fast).toFixed(1)} ms, int8 scan + f32 rescoring ${median(coded).toFixed(1)} ms (same top-10: ${((agree / (queries * 10)) * 100).toFixed(1)}%), plain JS ${median(slow).toFixed(1)} ms per query (medians)`,
    );
  }

  let million: FeatureStore | null = null;
  if (parts.has('hnsw') || parts.has('dups') || parts.has('umap')) {
    const started = performance.now();
    million = withIds(MILLION, real.dim, synthesize(real, MILLION, real.dim, 5));
    log(
      `made ${MILLION} x ${real.dim} vectors from the real features in ${((performance.now() - started) / 1000).toFixed(1)} s (RSS ${rssMiB()} MiB)`,
    );
  }

  if (parts.has('hnsw') && million) {
    const built = buildIndex(million, DEFAULT_HNSW);
    const rows: Record<string, number>[] = [];
    for (const ef of [64, 128, 256]) {
      const params = { ...DEFAULT_HNSW, expansionSearch: ef };
      // expansion_search is a search-time setting: save and view the same graph under another ef.
      const path = join(work, 'million.hnsw');
      built.index.save(path, { mean: new Float32Array(real.dim), basis: 0 });
      writeFileSync(
        `${path}.json`,
        JSON.stringify({ dim: real.dim, params, basis: 0, mean: Array.from(new Float32Array(real.dim)) }),
      );
      const index =
        ef === DEFAULT_HNSW.expansionSearch ? built.index : HnswIndex.loadSaved(path, real.dim, params)!.index;
      const measured = recallAt10(million, index, 300, 9);
      rows.push({
        expansion_search: ef,
        recall_at_10: round(measured.recall, 4),
        median_query_ms: round(measured.medianMs, 3),
      });
      log(
        `hnsw: ${MILLION} x ${real.dim}, M ${DEFAULT_HNSW.connectivity}, ef_add ${DEFAULT_HNSW.expansionAdd}, ef_search ${ef}: recall@10 ${measured.recall.toFixed(4)}, median query ${measured.medianMs.toFixed(3)} ms`,
      );
    }
    results.hnsw = {
      vectors: MILLION,
      dim: real.dim,
      build_seconds: round(built.seconds, 1),
      build_rss_delta_mib: built.rssDeltaMiB,
      process_rss_mib: rssMiB(),
      by_expansion_search: rows,
    };
    log(
      `hnsw: build ${built.seconds.toFixed(1)} s on ${availableParallelism()} threads, +${built.rssDeltaMiB} MiB RSS (process ${rssMiB()} MiB)`,
    );
  }

  if (parts.has('dups') && million) {
    const n = Math.min(LARGE, MILLION);
    const store = withIds(n, real.dim, million.vectors.slice(0, n * real.dim));
    const built = buildIndex(store, DEFAULT_HNSW);
    const started = performance.now();
    const groups = findDuplicateGroups(store, built.index, 0.97);
    const seconds = (performance.now() - started) / 1000;
    results.duplicates = {
      vectors: n,
      dim: real.dim,
      index_build_seconds: round(built.seconds, 1),
      self_join_seconds: round(seconds, 1),
      groups: groups.length,
      largest: groups[0]?.imageIds.length ?? 0,
    };
    log(
      `dups: ${n} vectors: index ${built.seconds.toFixed(1)} s (built in the background as features arrive), self-join + grouping ${seconds.toFixed(1)} s, ${groups.length} groups at 0.97`,
    );
  }

  if (parts.has('umap') && million) {
    const n = Math.min(LARGE, MILLION);
    const store = withIds(n, real.dim, million.vectors.slice(0, n * real.dim));
    const started = performance.now();
    const xy = await umapProjection(store);
    const seconds = (performance.now() - started) / 1000;
    results.umap = { points: n, seconds: round(seconds, 1), finite: xy.every(Number.isFinite) };
    log(
      `umap: ${n} points in ${seconds.toFixed(1)} s (5,000-point UMAP, the rest placed by nearest sampled neighbours)`,
    );
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results));
} finally {
  rmSync(work, { recursive: true, force: true });
}
