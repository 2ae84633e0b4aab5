/** The label picker's matching and ordering (pure renderer modules). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelOption, LabelVocabulary } from '../../main/contract/label-types.js';
import { bestFuzzyScore, foldText, fuzzyScore } from '../../renderer/labels/fuzzy.js';
import { groupedOptions, pickerChoices } from '../../renderer/labels/picker-options.js';

function option(label: string, rank: LabelOption['rank'], extra: Partial<LabelOption> = {}): LabelOption {
  return {
    label,
    rank,
    classId: null,
    scientificName: null,
    genus: null,
    family: null,
    order: null,
    count: 0,
    userAdded: false,
    ...extra,
  };
}

const CUB: LabelVocabulary = {
  labelSet: 'cub200',
  hierarchical: true,
  options: [
    option('Cardinal', 'species', {
      classId: '017',
      scientificName: 'Cardinalis cardinalis',
      genus: 'Cardinalis',
      family: 'Cardinalidae',
      order: 'Passeriformes',
    }),
    option('Blue_Jay', 'species', {
      classId: '073',
      scientificName: 'Cyanocitta cristata',
      genus: 'Cyanocitta',
      family: 'Corvidae',
      order: 'Passeriformes',
    }),
    option('Laysan_Albatross', 'species', {
      classId: '002',
      scientificName: 'Phoebastria immutabilis',
      genus: 'Phoebastria',
      family: 'Diomedeidae',
      order: 'Procellariiformes',
    }),
    option('Cardinalis', 'genus', { genus: 'Cardinalis', family: 'Cardinalidae', order: 'Passeriformes' }),
    option('Cyanocitta', 'genus', { genus: 'Cyanocitta', family: 'Corvidae', order: 'Passeriformes' }),
    option('Phoebastria', 'genus', { genus: 'Phoebastria', family: 'Diomedeidae', order: 'Procellariiformes' }),
    option('Cardinalidae', 'family', { family: 'Cardinalidae', order: 'Passeriformes' }),
    option('Corvidae', 'family', { family: 'Corvidae', order: 'Passeriformes' }),
    option('Diomedeidae', 'family', { family: 'Diomedeidae', order: 'Procellariiformes' }),
    option('Passeriformes', 'order', { order: 'Passeriformes' }),
    option('Procellariiformes', 'order', { order: 'Procellariiformes' }),
  ],
};

test('fuzzy matching: substrings beat scattered letters, word starts beat mid-word, non-matches are null', () => {
  assert.equal(foldText('Northern_Cardinal Ünïcode'), 'northern cardinal unicode');
  assert.equal(fuzzyScore('xyz', 'cardinal'), null);
  assert.equal(fuzzyScore('toolong', 'short'), null);
  const substring = fuzzyScore('card', 'cardinal')!;
  const scattered = fuzzyScore('cdnl', 'cardinal')!;
  assert.ok(substring > scattered);
  assert.ok(fuzzyScore('jay', 'blue jay')! > fuzzyScore('jay', 'bluejayish')!);
  assert.equal(bestFuzzyScore('CARDINALIS', [null, 'Cardinalis cardinalis']) !== null, true, 'the query is folded too');
});

test('a species is found by common name, scientific name and CUB id', () => {
  const first = (query: string) => pickerChoices(CUB, query, [], [])[0];
  assert.deepEqual(
    [first('cardinal')?.label, first('cardinal')?.rank],
    ['Cardinal', 'species'],
    'the exact name first',
  );
  assert.deepEqual(
    pickerChoices(CUB, 'cardinal', [], [])
      .slice(1, 3)
      .map((choice) => choice.rank)
      .sort(),
    ['family', 'genus'],
    'then the taxa it starts (back-off choices)',
  );
  assert.equal(first('Cardinalis cardinalis')?.label, 'Cardinal');
  assert.equal(first('017')?.label, 'Cardinal');
  assert.equal(first('cyanocitta cristata')?.label, 'Blue_Jay');
  assert.equal(first('blue jay')?.label, 'Blue_Jay');
  assert.equal(first('corvid')?.rank, 'family');
  assert.equal(first('procellar')?.rank, 'order');
});

test('an unknown query offers a new label; an existing one does not', () => {
  const choices = pickerChoices(CUB, 'garden feeder', [], []);
  assert.deepEqual(choices.at(-1), {
    key: 'new:garden feeder',
    label: 'garden feeder',
    rank: 'species',
    section: 'new',
    depth: 0,
    detail: 'new label',
    prob: null,
  });
  assert.ok(!pickerChoices(CUB, 'blue_jay', [], []).some((choice) => choice.section === 'new'));
});

test('with no query: top-5 predictions first, then recent labels, then the grouped taxonomy, no duplicates', () => {
  const predictions = [
    { index: 72, name: 'Blue_Jay', prob: 0.6 },
    { index: 16, name: 'Cardinal', prob: 0.3 },
  ];
  const choices = pickerChoices(CUB, '', predictions, [
    { label: 'Cardinalis', rank: 'genus' },
    { label: 'Blue_Jay', rank: 'species' },
  ]);
  assert.deepEqual(
    choices.slice(0, 3).map((choice) => [choice.section, choice.label]),
    [
      ['prediction', 'Blue_Jay'],
      ['prediction', 'Cardinal'],
      ['recent', 'Cardinalis'],
    ],
  );
  const keys = choices.map((choice) => `${choice.rank}:${choice.label}`);
  assert.equal(new Set(keys).size, keys.length, 'each label once');
  assert.equal(choices.length, CUB.options.length);
});

test('grouping lists each order, then its families, genera and species beneath', () => {
  const order = groupedOptions(CUB).map((entry) => `${entry.rank}:${entry.label}`);
  const at = (key: string) => order.indexOf(key);
  assert.ok(at('order:Passeriformes') < at('family:Cardinalidae'));
  assert.ok(at('family:Cardinalidae') < at('genus:Cardinalis'));
  assert.ok(at('genus:Cardinalis') < at('species:Cardinal'));
  assert.ok(at('species:Cardinal') < at('family:Corvidae'), 'a family is complete before the next one');
  assert.ok(at('species:Blue_Jay') < at('order:Procellariiformes'));
  const flat = groupedOptions({ ...CUB, hierarchical: false }).map((entry) => entry.label);
  assert.deepEqual(
    flat,
    [...flat].sort((a, b) => a.localeCompare(b)),
  );
});
