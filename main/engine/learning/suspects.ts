/**
 * Likely label mistakes, in the manner of confident learning (Northcutt et al., "Confident
 * Learning: Estimating Uncertainty in Dataset Labels", JAIR 2021) and FiftyOne's mistakenness:
 * each labelled image is scored by how strongly its cross-validated (out-of-fold) probabilities
 * and its labelled nearest neighbours disagree with its label.
 */
import type { KnnGraph } from './knn-graph.js';

export interface Suspect {
  row: number;
  /** 0..1, higher is more likely wrong. */
  score: number;
  /** The class the evidence points to instead. */
  suggested: number;
  /** Out-of-fold probability of the given label. */
  givenProbability: number;
  /** Share of the neighbours (by similarity) that carry the given label. */
  neighbourAgreement: number;
  /** Confident learning's test: another class is above its own per-class confidence threshold. */
  confidentlyOther: boolean;
}

/**
 * Ranks the labelled rows, most suspect first. `outOfFold` is [rows, K]; `graph` joins the
 * labelled rows only (neighbour rows index the same arrays).
 */
export function rankSuspects(
  outOfFold: Float32Array,
  labels: Int32Array,
  classCount: number,
  graph: KnnGraph,
): Suspect[] {
  const rows = labels.length;
  const k = classCount;
  // Per-class threshold t_j: the mean self-confidence of rows labelled j (confident learning, eq. 2).
  const sum = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    const y = labels[i]!;
    sum[y] = sum[y]! + outOfFold[i * k + y]!;
    count[y] = count[y]! + 1;
  }
  const threshold = Array.from(sum, (s, j) => (count[j]! > 0 ? s / count[j]! : 1));
  const suspects: Suspect[] = [];
  for (let i = 0; i < rows; i++) {
    const y = labels[i]!;
    const votes = new Float64Array(k);
    let total = 0;
    for (let j = 0; j < graph.k; j++) {
      const w = Math.max(0, graph.similarities[i * graph.k + j]!);
      const other = labels[graph.neighbours[i * graph.k + j]!]!;
      votes[other] = votes[other]! + w;
      total += w;
    }
    const agreement = total > 0 ? votes[y]! / total : 1;
    const given = outOfFold[i * k + y]!;
    let confidentlyOther = false;
    let suggested = -1;
    let bestEvidence = -1;
    let bestOther = 0;
    for (let c = 0; c < k; c++) {
      if (c === y) continue;
      bestOther = Math.max(bestOther, outOfFold[i * k + c]!);
      if (outOfFold[i * k + c]! >= threshold[c]!) confidentlyOther = true;
      const evidence = 0.5 * outOfFold[i * k + c]! + 0.5 * (total > 0 ? votes[c]! / total : 0);
      if (evidence > bestEvidence) {
        bestEvidence = evidence;
        suggested = c;
      }
    }
    // Cleanlab's normalised margin (best other class minus the given one, mapped to 0..1): an image
    // the head confidently puts elsewhere outranks one it merely finds hard.
    const margin = (bestOther - given + 1) / 2;
    const score = 0.5 * margin + 0.5 * (1 - agreement);
    suspects.push({
      row: i,
      score,
      suggested,
      givenProbability: given,
      neighbourAgreement: agreement,
      confidentlyOther,
    });
  }
  // Rows flagged by the confident-joint test first, each group by its score.
  return suspects.sort(
    (a, b) => Number(b.confidentlyOther) - Number(a.confidentlyOther) || b.score - a.score || a.row - b.row,
  );
}
