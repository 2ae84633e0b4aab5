/**
 * Quality of learning from few labels, with the pretrained CIFAR-10 ResNet-20 (imported from
 * ../shared/reference/weights) on CIFAR-10 test JPEGs: 10 labelled images per class train a
 * head, judged on 1,000 other test images; the same images relabelled animal / vehicle; and label
 * propagation from the same seeds to the 1,000 (precision and coverage at a minimum score).
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../main/engine/catalog/index.js';
import { startIndexJob } from '../main/engine/pipeline/index-job.js';
import { importModel } from '../main/zoo/fetch/install-model.js';
import { readModelMetadata } from '../main/zoo/onnx/model-file.js';
import { trainInWorker } from '../main/engine/learning/train-client.js';
import { headProbabilities } from '../main/engine/learning/head.js';
import { knnGraph } from '../main/engine/learning/knn-graph.js';
import { spreadLabels } from '../main/engine/learning/label-spreading.js';
import { rowIndex } from '../main/engine/learning/labelled-features.js';
import type { FeatureMatrix } from '../main/engine/catalog/types.js';

export interface QualityFigures {
  baseTop1: number;
  headTop1: number;
  animalVehicleTop1: number;
  propagation: { minScore: number; precision: number; coverage: number }[];
  seedsPerClass: number;
  testImages: number;
}

const VEHICLES = new Set(['airplane', 'automobile', 'ship', 'truck']);

function argmax(values: Float32Array, offset: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (values[offset + c]! > values[offset + best]!) best = c;
  return best;
}

function gather(matrix: FeatureMatrix, rows: Map<number, number>, ids: number[]): Float32Array {
  const out = new Float32Array(ids.length * matrix.dim);
  ids.forEach((id, i) =>
    out.set(matrix.vectors.subarray(rows.get(id)! * matrix.dim, (rows.get(id)! + 1) * matrix.dim), i * matrix.dim),
  );
  return out;
}

export async function measureQuality(
  reference: string,
  work: string,
  seedsPerClass = 10,
  testPerClass = 100,
): Promise<QualityFigures> {
  const classes = JSON.parse(readFileSync(join(reference, 'cifar10_classes.json'), 'utf8')) as string[];
  const source = join(reference, 'cifar10_test', 'jpg');
  const library = join(work, 'cifar');
  mkdirSync(library, { recursive: true });
  const taken = new Array<number>(classes.length).fill(0);
  const truthOf = new Map<string, number>();
  const seedFiles = new Set<string>();
  for (const name of readdirSync(source).sort()) {
    const c = Number(/_(\d+)\.jpg$/.exec(name)?.[1]);
    if (!(taken[c]! < seedsPerClass + testPerClass)) continue;
    if (taken[c]! < seedsPerClass) seedFiles.add(name);
    taken[c] = taken[c]! + 1;
    copyFileSync(join(source, name), join(library, name));
    truthOf.set(name, c);
  }
  const cacheDir = join(work, 'models');
  const installed = await importModel(
    join(reference, 'weights', 'resnet20-12fca82f.th'),
    'akamaster-resnet20_cifar10',
    { cacheDir },
  );
  const metadata = await readModelMetadata(installed.path);
  const catalog = Catalog.open(join(work, 'cifar.sqlite'));
  try {
    const libraryId = catalog.ensureLibrary(library);
    const job = startIndexJob(
      {
        catalog,
        libraryId,
        libraryRoot: library,
        model: { path: installed.path, metadata },
        device: 'cpu',
        batchSize: 32,
        threads: 2,
        topK: 5,
      },
      () => undefined,
    );
    await job.done;
    const modelRow = catalog.listModels().find((m) => m.id === metadata.id)!.rowId;
    const matrix = catalog.features(libraryId, modelRow);
    const rows = rowIndex(matrix);
    const nameOf = new Map(catalog.exportRows(libraryId, modelRow).map((r) => [r.imageId, r.relPath]));
    const baseTop1Of = new Map(catalog.exportRows(libraryId, modelRow).map((r) => [r.imageId, r.topk[0]!.index]));
    const ids = [...matrix.imageIds];
    const seeds = ids.filter((id) => seedFiles.has(nameOf.get(id)!));
    const tests = ids.filter((id) => !seedFiles.has(nameOf.get(id)!));
    const truth = (id: number) => truthOf.get(nameOf.get(id)!)!;
    const seedVectors = gather(matrix, rows, seeds);
    const testVectors = gather(matrix, rows, tests);

    const accuracyOf = async (names: string[], labelOf: (id: number) => number) => {
      const trained = await trainInWorker({
        vectors: seedVectors,
        rows: seeds.length,
        dim: matrix.dim,
        labels: Int32Array.from(seeds, labelOf),
        classNames: names,
      });
      const probabilities = headProbabilities(trained.head, testVectors, tests.length, true);
      return (
        tests.filter((id, i) => argmax(probabilities, i * names.length, names.length) === labelOf(id)).length /
        tests.length
      );
    };
    const headTop1 = await accuracyOf(classes, truth);
    const animalVehicleTop1 = await accuracyOf(['animal', 'vehicle'], (id) =>
      VEHICLES.has(classes[truth(id)]!) ? 1 : 0,
    );
    const baseTop1 = tests.filter((id) => baseTop1Of.get(id) === truth(id)).length / tests.length;

    const graph = await knnGraph(matrix.vectors, ids.length, matrix.dim, 10);
    const seedLabels = new Int32Array(ids.length).fill(-1);
    for (const id of seeds) seedLabels[rows.get(id)!] = truth(id);
    const spread = spreadLabels(graph, seedLabels, classes.length);
    const propagation = [0, 0.5, 0.7, 0.9].map((minScore) => {
      const reached = tests.filter(
        (id) => spread.label[rows.get(id)!]! >= 0 && spread.score[rows.get(id)!]! >= minScore,
      );
      const correct = reached.filter((id) => spread.label[rows.get(id)!] === truth(id)).length;
      return {
        minScore,
        precision: reached.length ? correct / reached.length : 0,
        coverage: reached.length / tests.length,
      };
    });
    return { baseTop1, headTop1, animalVehicleTop1, propagation, seedsPerClass, testImages: tests.length };
  } finally {
    catalog.close();
  }
}
