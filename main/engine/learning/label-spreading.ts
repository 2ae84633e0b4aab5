/**
 * Label spreading on a kNN graph (Zhou et al., "Learning with Local and Global Consistency",
 * NIPS 2003): F <- alpha * S F + (1 - alpha) * Y with S = D^-1/2 W D^-1/2 the symmetrically
 * normalised affinity of the symmetrised kNN graph. Seeds keep pulling towards their labels; an
 * unlabelled row gets the class with the largest spread mass, scored by that mass's share.
 */
import type { KnnGraph } from './knn-graph.js';

export interface SpreadingOptions {
  alpha?: number;
  iterations?: number;
}

export interface SpreadResult {
  /** Class index per row (-1 when nothing reached it). */
  label: Int32Array;
  /** Share of the row's spread mass held by that class (0..1). */
  score: Float32Array;
}

/** `seeds[row]` is a class index, or -1 for an unlabelled row. */
export function spreadLabels(
  graph: KnnGraph,
  seeds: Int32Array,
  classCount: number,
  options: SpreadingOptions = {},
): SpreadResult {
  // 0.9 rather than the paper's 0.99: on CIFAR-10 with 10 seeds per class it gives the best accuracy and usable scores (bench:learn).
  const alpha = options.alpha ?? 0.9;
  const iterations = options.iterations ?? 30;
  const { rows, k } = graph;
  // Symmetrised adjacency as lists: an edge i-j exists when either is among the other's k nearest.
  const edges: Map<number, number>[] = [];
  for (let i = 0; i < rows; i++) edges.push(new Map());
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < k; j++) {
      const other = graph.neighbours[i * k + j]!;
      // Negative cosine similarities carry no affinity.
      const weight = Math.max(0, graph.similarities[i * k + j]!);
      if (weight === 0) continue;
      edges[i]!.set(other, Math.max(edges[i]!.get(other) ?? 0, weight));
      edges[other]!.set(i, Math.max(edges[other]!.get(i) ?? 0, weight));
    }
  }
  const degree = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (const w of edges[i]!.values()) degree[i] = degree[i]! + w;
  const y = new Float64Array(rows * classCount);
  for (let i = 0; i < rows; i++) if (seeds[i]! >= 0) y[i * classCount + seeds[i]!] = 1;
  let f = Float64Array.from(y);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(rows * classCount);
    for (let i = 0; i < rows; i++) {
      if (degree[i] === 0) continue;
      for (const [j, w] of edges[i]!) {
        if (degree[j] === 0) continue;
        const s = (alpha * w) / Math.sqrt(degree[i]! * degree[j]!);
        for (let c = 0; c < classCount; c++)
          next[i * classCount + c] = next[i * classCount + c]! + s * f[j * classCount + c]!;
      }
    }
    for (let i = 0; i < next.length; i++) next[i] = next[i]! + (1 - alpha) * y[i]!;
    f = next;
  }
  const label = new Int32Array(rows).fill(-1);
  const score = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = -1;
    let total = 0;
    for (let c = 0; c < classCount; c++) {
      const v = f[i * classCount + c]!;
      total += v;
      if (v > 0 && (best < 0 || v > f[i * classCount + best]!)) best = c;
    }
    if (best >= 0 && total > 0) {
      label[i] = best;
      score[i] = f[i * classCount + best]! / total;
    }
  }
  return { label, score };
}
