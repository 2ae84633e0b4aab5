/**
 * Reviewing labels with the help of the features: likely mistakes among the user's labels
 * (out-of-fold head + neighbours), and label propagation to unlabelled images (label spreading
 * on the kNN graph), written as `propagated` suggestions that never replace a user's label.
 * kNN is this module's own exact search (knn-graph.ts), fine up to a few tens of thousands of images.
 */
import type { Catalog } from '../catalog/catalog.js';
import { LabelStore } from '../labels/label-store.js';
import type { LabelChange } from '../labels/types.js';
import { FieldmarkError } from '../../util/errors.js';
import { isUserLabel, labelledSet, rowIndex } from './labelled-features.js';
import { knnGraph } from './knn-graph.js';
import { rankSuspects } from './suspects.js';
import { spreadLabels } from './label-spreading.js';
import { trainInWorker } from './train-client.js';

export interface LabelSuspect {
  imageId: number;
  label: string;
  suggested: string;
  score: number;
  givenProbability: number;
  neighbourAgreement: number;
}

export interface ReviewOptions {
  neighbours?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
}

/**
 * The user-labelled images of the library, most likely mislabelled first.
 * @throws FieldmarkError InvalidArgument when there are too few labels to cross-validate.
 */
export async function findSuspects(
  catalog: Catalog,
  libraryId: number,
  modelRowId: number,
  options: ReviewOptions = {},
): Promise<LabelSuspect[]> {
  const store = new LabelStore(catalog, libraryId);
  const set = labelledSet(catalog.features(libraryId, modelRowId), store.allLabels());
  if (set.rows === 0)
    throw new FieldmarkError(
      'InvalidArgument',
      'no labelled images with features: label some images (and classify the folder) first',
    );
  const trained = await trainInWorker(set, {
    outOfFold: true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const graph = await knnGraph(set.vectors, set.rows, set.dim, options.neighbours ?? 10, options.signal);
  return rankSuspects(trained.outOfFold!, set.labels, set.classNames.length, graph).map((s) => ({
    imageId: set.imageIds[s.row]!,
    label: set.classNames[set.labels[s.row]!]!,
    suggested: set.classNames[s.suggested]!,
    score: s.score,
    givenProbability: s.givenProbability,
    neighbourAgreement: s.neighbourAgreement,
  }));
}

export interface Suggestion {
  imageId: number;
  label: string;
  score: number;
}

export interface PropagationResult {
  suggestions: Suggestion[];
  /** Null on a dry run. */
  change: LabelChange | null;
  seeds: number;
  unlabelled: number;
}

/**
 * Spreads the user's labels to the unlabelled images; writes those scoring at least `minScore`
 * as `propagated` labels (one undo step) unless `dryRun`.
 */
export async function propagateLabels(
  catalog: Catalog,
  libraryId: number,
  modelRowId: number,
  options: ReviewOptions & { minScore: number; dryRun: boolean },
): Promise<PropagationResult> {
  const store = new LabelStore(catalog, libraryId);
  const matrix = catalog.features(libraryId, modelRowId);
  const labels = store.allLabels();
  const userLabelled = new Set(labels.filter(isUserLabel).map((r) => r.imageId));
  const set = labelledSet(matrix, labels);
  if (set.rows === 0)
    throw new FieldmarkError(
      'InvalidArgument',
      'no labelled images with features: label some images (and classify the folder) first',
    );
  const rows = rowIndex(matrix);
  const seeds = new Int32Array(matrix.imageIds.length).fill(-1);
  set.imageIds.forEach((imageId, i) => {
    seeds[rows.get(imageId)!] = set.labels[i]!;
  });
  options.onProgress?.(0, 'neighbours');
  const graph = await knnGraph(
    matrix.vectors,
    matrix.imageIds.length,
    matrix.dim,
    options.neighbours ?? 10,
    options.signal,
  );
  options.onProgress?.(0.8, 'spreading');
  const spread = spreadLabels(graph, seeds, set.classNames.length);
  const suggestions: Suggestion[] = [];
  for (let r = 0; r < matrix.imageIds.length; r++) {
    const imageId = matrix.imageIds[r]!;
    if (userLabelled.has(imageId) || spread.label[r]! < 0 || spread.score[r]! < options.minScore) continue;
    suggestions.push({ imageId, label: set.classNames[spread.label[r]!]!, score: spread.score[r]! });
  }
  suggestions.sort((a, b) => b.score - a.score || a.imageId - b.imageId);
  const change = options.dryRun
    ? null
    : store.applyEach(
        suggestions.map((s) => ({ imageId: s.imageId, label: s.label, rank: 'species' as const, score: s.score })),
        'propagated',
        `Propagate labels to ${suggestions.length} images`,
      );
  options.onProgress?.(1, 'done');
  return { suggestions, change, seeds: set.rows, unlabelled: matrix.imageIds.length - userLabelled.size };
}

/**
 * Accepts (as the user's own, source `accepted`) or rejects (clears) the propagated suggestions
 * scoring at least `minScore`, optionally of one label only; one undo step.
 */
export function reviewSuggestions(
  catalog: Catalog,
  libraryId: number,
  decision: 'accept' | 'reject',
  filter: { minScore: number; label?: string },
): LabelChange {
  const store = new LabelStore(catalog, libraryId);
  const chosen = store
    .allLabels()
    .filter(
      (r) =>
        r.source === 'propagated' &&
        (r.score ?? 0) >= filter.minScore &&
        (filter.label === undefined || r.label === filter.label),
    );
  if (decision === 'accept') {
    return store.applyEach(
      chosen.map((r) => ({ imageId: r.imageId, label: r.label, rank: r.rank, score: r.score })),
      'accepted',
      `Accept ${chosen.length} suggested labels`,
    );
  }
  return store.apply(
    chosen.map((r) => r.imageId),
    null,
    'propagated',
    `Reject ${chosen.length} suggested labels`,
  );
}
