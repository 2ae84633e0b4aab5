/**
 * Evaluation of predictions against true labels: top-1/top-5 accuracy, per-class precision,
 * recall and F1, the confusion matrix, and calibration (expected calibration error over equal-width
 * confidence bins, Guo et al., "On Calibration of Modern Neural Networks", ICML 2017).
 */

export interface EvaluatedItem {
  truth: string;
  /** Predicted labels, most probable first (top-k). */
  ranked: string[];
  /** Probability of ranked[0]. */
  confidence: number;
}

export interface ClassMetrics {
  label: string;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence and accuracy of the items in the bin (0 when empty). */
  confidence: number;
  accuracy: number;
}

export interface Evaluation {
  count: number;
  top1: number;
  top5: number;
  /** Row = true label, column = predicted label; both in `classes` order. */
  classes: string[];
  confusion: number[][];
  perClass: ClassMetrics[];
  macroF1: number;
  ece: number;
  reliability: ReliabilityBin[];
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

export function evaluate(items: readonly EvaluatedItem[], bins = 15): Evaluation {
  const labels = new Set<string>();
  for (const item of items) {
    labels.add(item.truth);
    if (item.ranked[0] !== undefined) labels.add(item.ranked[0]);
  }
  const classes = [...labels].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const index = new Map(classes.map((label, i) => [label, i]));
  const confusion = classes.map(() => new Array<number>(classes.length).fill(0));
  let top1 = 0;
  let top5 = 0;
  const binCount = new Array<number>(bins).fill(0);
  const binConfidence = new Array<number>(bins).fill(0);
  const binCorrect = new Array<number>(bins).fill(0);
  for (const item of items) {
    const predicted = item.ranked[0];
    const correct = predicted === item.truth;
    if (correct) top1 += 1;
    if (item.ranked.slice(0, 5).includes(item.truth)) top5 += 1;
    if (predicted !== undefined) {
      const row = confusion[index.get(item.truth)!]!;
      const column = index.get(predicted)!;
      row[column] = row[column]! + 1;
    }
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(item.confidence * bins)));
    binCount[bin] = binCount[bin]! + 1;
    binConfidence[bin] = binConfidence[bin]! + item.confidence;
    if (correct) binCorrect[bin] = binCorrect[bin]! + 1;
  }
  const perClass = classes.map((label, c): ClassMetrics => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return { label, support, predicted, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
  });
  const withSupport = perClass.filter((m) => m.support > 0);
  const reliability = binCount.map(
    (count, b): ReliabilityBin => ({
      lower: b / bins,
      upper: (b + 1) / bins,
      count,
      confidence: ratio(binConfidence[b]!, count),
      accuracy: ratio(binCorrect[b]!, count),
    }),
  );
  const ece = reliability.reduce(
    (sum, bin) => sum + ratio(bin.count, items.length) * Math.abs(bin.accuracy - bin.confidence),
    0,
  );
  return {
    count: items.length,
    top1: ratio(top1, items.length),
    top5: ratio(top5, items.length),
    classes,
    confusion,
    perClass,
    macroF1: ratio(
      withSupport.reduce((sum, m) => sum + m.f1, 0),
      withSupport.length,
    ),
    ece,
    reliability,
  };
}
