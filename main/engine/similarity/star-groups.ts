/**
 * Groups that do not chain. Joining every pair above the threshold (union-find) lets a burst or a
 * slow pan link A~B~C~... into one group of photos whose ends look nothing alike. Instead each
 * group forms around a centre: the image with the most near-duplicates takes those of them not yet
 * grouped, so every member is a near-duplicate of the centre (greedy star clustering). A chain
 * A~B~C~D gives {A, B, C} and leaves D to a later centre.
 */
import type { DuplicateGraph } from './duplicate-pairs.js';

export interface StarGroup {
  /** The centre first, then the members by similarity to it, highest first. */
  rows: number[];
  /** Each member's similarity to the centre (1 for the centre). */
  scores: number[];
}

/**
 * @param similarity the score of two rows (the same measure as the graph's edges); asked only to
 *   complete a centre whose own k nearest were all near-duplicates, from its neighbours' neighbours.
 */
export function starGroups(
  graph: DuplicateGraph,
  threshold: number,
  similarity: (a: number, b: number) => number,
): StarGroup[] {
  const { offsets, neighbours, scores, size } = graph;
  const degree = new Int32Array(size);
  const strength = new Float64Array(size);
  const centres: number[] = [];
  for (let row = 0; row < size; row++) {
    degree[row] = offsets[row + 1]! - offsets[row]!;
    for (let i = offsets[row]!; i < offsets[row + 1]!; i++) strength[row] = strength[row]! + scores[i]!;
    if (degree[row]! > 0) centres.push(row);
  }
  // Most near-duplicates first, then the tighter ones, then row order (deterministic).
  centres.sort((a, b) => degree[b]! - degree[a]! || strength[b]! - strength[a]! || a - b);

  const grouped = new Uint8Array(size);
  /** centre + 1 where the row is already a candidate of that centre's group. */
  const candidateOf = new Int32Array(size);
  const groups: StarGroup[] = [];
  for (const centre of centres) {
    if (grouped[centre]) continue;
    const members: { row: number; score: number }[] = [];
    const consider = (row: number, score: number) => {
      if (grouped[row] || row === centre || candidateOf[row] === centre + 1) return;
      candidateOf[row] = centre + 1;
      if (score >= threshold) members.push({ row, score });
    };
    for (let i = offsets[centre]!; i < offsets[centre + 1]!; i++) consider(neighbours[i]!, scores[i]!);
    // All of the centre's own k nearest were near-duplicates: a bigger burst may reach beyond them.
    if (graph.ownCount[centre]! >= graph.k)
      for (let i = offsets[centre]!; i < offsets[centre + 1]!; i++) {
        const row = neighbours[i]!;
        for (let j = offsets[row]!; j < offsets[row + 1]!; j++) {
          const further = neighbours[j]!;
          if (!grouped[further] && further !== centre && candidateOf[further] !== centre + 1)
            consider(further, similarity(centre, further));
        }
      }
    if (members.length === 0) continue;
    members.sort((a, b) => b.score - a.score || a.row - b.row);
    grouped[centre] = 1;
    for (const { row } of members) grouped[row] = 1;
    groups.push({
      rows: [centre, ...members.map(({ row }) => row)],
      scores: [1, ...members.map(({ score }) => Math.min(1, score))],
    });
  }
  return groups;
}
