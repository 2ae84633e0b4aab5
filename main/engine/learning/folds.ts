/** Stratified k-fold assignment: each class is spread evenly over the folds, in a seeded random order. */

import { mulberry32 } from '../../util/seeded-random.js';
/** A small deterministic PRNG (mulberry32), so folds and subsamples are reproducible. */
export const seededRandom: (seed: number) => () => number = mulberry32;

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Fold index (0..folds-1) of every row; rows of one class go round-robin over the folds after a shuffle. */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed = 1): Int32Array {
  const random = seededRandom(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]!) ?? [];
    rows.push(i);
    byClass.set(labels[i]!, rows);
  }
  const assignment = new Int32Array(labels.length);
  let offset = 0;
  for (const rows of [...byClass.values()]) {
    shuffle(rows, random).forEach((row, i) => {
      assignment[row] = (i + offset) % folds;
    });
    // Start the next class where this one stopped, so small classes do not all land in fold 0.
    offset = (offset + rows.length) % folds;
  }
  return assignment;
}

/** A stratified subsample of at most `limit` rows (row indices, ascending), keeping every class's share. */
export function stratifiedSubsample(labels: ArrayLike<number>, limit: number, seed = 1): Int32Array {
  if (labels.length <= limit) return Int32Array.from({ length: labels.length }, (_, i) => i);
  const random = seededRandom(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const rows = byClass.get(labels[i]!) ?? [];
    rows.push(i);
    byClass.set(labels[i]!, rows);
  }
  const picked: number[] = [];
  for (const rows of byClass.values()) {
    const take = Math.max(2, Math.round((rows.length * limit) / labels.length));
    picked.push(...shuffle(rows, random).slice(0, take));
  }
  return Int32Array.from(picked.sort((a, b) => a - b));
}
