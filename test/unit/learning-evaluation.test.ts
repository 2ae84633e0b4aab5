/** Evaluation figures against hand-computed ones, the report files, and label-name mapping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type EvaluatedItem } from '../../main/engine/learning/evaluation.js';
import { confusionCsv, confusionSvg, reliabilitySvg } from '../../main/engine/learning/evaluation-report.js';
import { classNamesAsLabels, mapModelClassesToLabels, nameKeys } from '../../main/engine/learning/label-mapping.js';

// Six images, three classes. By hand:
//   true cat: predicted cat, cat, dog     true dog: predicted dog, cat     true owl: predicted owl
//   confusion (rows true, columns predicted; classes cat, dog, owl): [[2,1,0],[1,1,0],[0,0,1]]
//   top-1 = 4/6; top-5: the two misses have the truth second, the dog->cat one not at all -> 5/6
//   cat: precision 2/3, recall 2/3; dog: precision 1/2, recall 1/2; owl: 1, 1
const items: EvaluatedItem[] = [
  { truth: 'cat', ranked: ['cat', 'dog'], confidence: 0.9 },
  { truth: 'cat', ranked: ['cat', 'owl'], confidence: 0.7 },
  { truth: 'cat', ranked: ['dog', 'cat'], confidence: 0.6 },
  { truth: 'dog', ranked: ['dog', 'cat'], confidence: 0.95 },
  { truth: 'dog', ranked: ['cat', 'owl'], confidence: 0.55 },
  { truth: 'owl', ranked: ['owl'], confidence: 0.99 },
];

test('evaluation equals the hand-computed confusion matrix, accuracies and per-class figures', () => {
  const result = evaluate(items, 10);
  assert.deepEqual(result.classes, ['cat', 'dog', 'owl']);
  assert.deepEqual(result.confusion, [
    [2, 1, 0],
    [1, 1, 0],
    [0, 0, 1],
  ]);
  assert.equal(result.count, 6);
  assert.ok(Math.abs(result.top1 - 4 / 6) < 1e-12);
  assert.ok(Math.abs(result.top5 - 5 / 6) < 1e-12);
  const cat = result.perClass.find((m) => m.label === 'cat')!;
  assert.ok(
    Math.abs(cat.precision - 2 / 3) < 1e-12 && Math.abs(cat.recall - 2 / 3) < 1e-12 && Math.abs(cat.f1 - 2 / 3) < 1e-12,
  );
  const dog = result.perClass.find((m) => m.label === 'dog')!;
  assert.deepEqual([dog.support, dog.predicted, dog.precision, dog.recall], [2, 2, 0.5, 0.5]);
  assert.ok(Math.abs(result.macroF1 - (2 / 3 + 0.5 + 1) / 3) < 1e-12);
});

test('expected calibration error is the count-weighted gap between accuracy and confidence per bin', () => {
  const result = evaluate(items, 10);
  // Bins of width 0.1: [0.5,0.6): 0.55 wrong -> |0-0.55|; [0.6,0.7): 0.6 wrong -> 0.6; [0.7,0.8): 0.7 right -> 0.3;
  // [0.9,1.0]: 0.9, 0.95, 0.99 all right -> |1 - 0.9467|.
  const expected = (0.55 + 0.6 + 0.3 + 3 * Math.abs(1 - (0.9 + 0.95 + 0.99) / 3)) / 6;
  assert.ok(Math.abs(result.ece - expected) < 1e-9, `${result.ece} vs ${expected}`);
  assert.equal(
    result.reliability.reduce((n, b) => n + b.count, 0),
    6,
  );
  assert.equal(result.reliability[9]!.count, 3);
});

test('the confusion matrix CSV and SVG and the reliability SVG carry the figures', () => {
  const result = evaluate(items);
  assert.equal(confusionCsv(result), 'true\\predicted,cat,dog,owl\r\ncat,2,1,0\r\ndog,1,1,0\r\nowl,0,0,1\r\n');
  const svg = confusionSvg(result);
  assert.match(svg, /^<svg /);
  assert.match(svg, /<title>cat → dog: 1<\/title>/);
  assert.match(reliabilitySvg(result), /ECE \d+\.\d\d%/);
});

test('evaluating nothing gives zeros, not NaN', () => {
  const result = evaluate([]);
  assert.deepEqual([result.count, result.top1, result.top5, result.ece, result.macroF1], [0, 0, 0, 0, 0]);
});

test('CUB ids and names both match a model class named "NNN.Name"', () => {
  assert.deepEqual(nameKeys('017.Cardinal'), ['017.cardinal', '017', '17', 'cardinal']);
  const classes = ['001.Black_footed_Albatross', '017.Cardinal', '200.Common_Yellowthroat'];
  assert.deepEqual(mapModelClassesToLabels(classes, ['Cardinal']), [null, 'Cardinal', null]);
  assert.deepEqual(mapModelClassesToLabels(classes, ['017']), [null, '017', null]);
  assert.deepEqual(mapModelClassesToLabels(classes, ['017.Cardinal', 'black footed albatross']), [
    'black footed albatross',
    '017.Cardinal',
    null,
  ]);
  assert.deepEqual(classNamesAsLabels(['airplane', 'cat'], ['Cat']), ['airplane', 'Cat']);
});
