/** CSV and folder-name import into a real catalog: per-row errors, all-or-nothing, dry runs, export -> import round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError } from '../../main/util/errors.js';
import { LabelStore } from '../../main/engine/labels/label-store.js';
import { LibraryPaths } from '../../main/engine/labels/library-paths.js';
import { importLabelsCsv } from '../../main/engine/labels/csv-import.js';
import { importLabelsFromFolders, labelFromFolderName } from '../../main/engine/labels/folder-import.js';
import { labelsCsv } from '../../main/engine/labels/label-export.js';
import { parseCsv } from '../../main/engine/export/csv.js';
import { labelFixture } from './labels-fixture.js';

const PATHS = ['a.jpg', 'b.jpg', 'c, "d".jpg', 'Vögel/é.jpg', 'x/y.jpg'];
const CLASSES = ['cat', 'dog'];

function open(paths = PATHS) {
  const f = labelFixture(paths, CLASSES);
  return {
    f,
    store: new LabelStore(f.catalog, f.libraryId),
    paths: LibraryPaths.of(f.catalog, f.libraryId, '/photos'),
  };
}

test('every row that cannot apply is reported with its line and reason; the others apply as one undo step', () => {
  const { f, store, paths } = open();
  try {
    const csv = [
      '\uFEFFLabel,PATH,extra', // header names in any case and order, with a BOM
      'cat,a.jpg,1',
      'dog,missing.jpg,2',
      'dog,../outside.jpg,3',
      'dog,/etc/passwd,4',
      ',b.jpg,5',
      '"Großer ""Brachvogel"", 🐦","c, ""d"".jpg",6',
      'cat,a.jpg,7',
      "'=cmd,Vögel/é.jpg,8",
      'cat,/photos/x/y.jpg,9',
    ].join('\r\n');
    const result = importLabelsCsv(store, paths, csv);
    assert.deepEqual(result.errors, [
      { row: 3, reason: 'unknown path "missing.jpg" (not an image of the library\'s catalog)' },
      { row: 4, reason: 'path "../outside.jpg" is outside the library' },
      { row: 5, reason: 'path "/etc/passwd" is outside the library' },
      { row: 6, reason: 'empty label' },
      { row: 8, reason: 'duplicate path "a.jpg" (first on row 2)' },
    ]);
    assert.deepEqual([result.rows, result.applied, result.changed], [9, 4, 4]);
    assert.equal(store.labelOf(f.id('c, "d".jpg'))?.label, 'Großer "Brachvogel", 🐦');
    assert.equal(store.labelOf(f.id('Vögel/é.jpg'))?.label, '=cmd', 'a neutralised cell reads back as written');
    assert.equal(store.labelOf(f.id('x/y.jpg'))?.source, 'imported');
    store.undo();
    assert.equal(store.labelledCount(), 0, 'the import was one undo step');
  } finally {
    f.cleanup();
  }
});

test('a malformed file (not CSV, no path/label columns) changes nothing; a dry run changes nothing; a closed vocabulary is enforced', () => {
  const { f, store, paths } = open();
  try {
    store.apply([f.id('a.jpg')], { label: 'cat', rank: 'species' }, 'manual');
    const invalid = (pattern: RegExp) => (e: unknown) =>
      e instanceof FieldmarkError && e.kind === 'InvalidArgument' && pattern.test(e.message);
    assert.throws(
      () => importLabelsCsv(store, paths, 'path,label\na.jpg,dog\n"b.jpg,cat\n'),
      invalid(/CSV line 3: a quoted field is never closed/),
    );
    assert.throws(
      () => importLabelsCsv(store, paths, 'file,name\na.jpg,dog\n'),
      invalid(/"path" and "label" are missing/),
    );
    assert.throws(() => importLabelsCsv(store, paths, 'path,tag\na.jpg,dog\n'), invalid(/"label" is missing/));
    assert.throws(() => importLabelsCsv(store, paths, ''), invalid(/empty/));
    assert.throws(() => importLabelsCsv(store, paths, '\u0000\u0001binary'), invalid(/NUL bytes/));
    const dry = importLabelsCsv(store, paths, 'path,label\nb.jpg,dog\n', { dryRun: true });
    assert.deepEqual([dry.applied, dry.changed, dry.change], [1, 0, null]);
    assert.deepEqual(
      store.allLabels().map((l) => [l.imageId, l.label]),
      [[f.id('a.jpg'), 'cat']],
    );
    const closed = importLabelsCsv(
      store,
      paths,
      'path,label,label_rank\nb.jpg,DOG,\nc, "d".jpg,wolf,\nx/y.jpg,cat,kingdom\n'.replace(
        'c, "d".jpg',
        '"c, ""d"".jpg"',
      ),
      { closedVocabulary: CLASSES },
    );
    assert.deepEqual(closed.errors, [
      { row: 3, reason: 'label "wolf" is not in the closed vocabulary' },
      { row: 4, reason: 'label_rank "kingdom": expected one of species, genus, family, order' },
    ]);
    assert.equal(store.labelOf(f.id('b.jpg'))?.label, 'dog', "stored in the vocabulary's spelling");
  } finally {
    f.cleanup();
  }
});

test('export, then import into a new catalog of the same folder, gives the same labels', () => {
  const { f, store } = open();
  const g = labelFixture(PATHS, CLASSES);
  try {
    store.apply([f.id('a.jpg'), f.id('x/y.jpg')], { label: '=1+1, "tricky"\nlabel', rank: 'species' }, 'manual');
    store.apply([f.id('c, "d".jpg')], { label: 'Fringillidae', rank: 'family' }, 'manual');
    store.apply([f.id('Vögel/é.jpg')], { label: 'Finkenvögel 🐦', rank: 'species' }, 'accepted');
    const model = { rowId: f.modelRowId, id: 'test-model', labelSet: 'custom', classNames: CLASSES };
    const all = labelsCsv(f.catalog, f.libraryId, model);
    assert.equal(all.rows, 5);
    const [header, ...records] = parseCsv(all.text).records;
    assert.deepEqual(header?.fields, [
      'path',
      'label',
      'label_source',
      'label_rank',
      'prediction',
      'confidence',
      'top_k',
      'model',
      'labelled_at',
    ]);
    assert.deepEqual(
      records.map((r) => r.fields[0]),
      ['Vögel/é.jpg', 'a.jpg', 'b.jpg', 'c, "d".jpg', 'x/y.jpg'],
      'by path',
    );
    const first = records[1];
    assert.deepEqual(first?.fields.slice(0, 8), [
      'a.jpg',
      '\'=1+1, "tricky"\nlabel',
      'manual',
      'species',
      'cat',
      '0.6000',
      '0:0.6000;1:0.3000',
      'test-model',
    ]);
    const labelled = labelsCsv(f.catalog, f.libraryId, model, { labelsOnly: true });
    assert.equal(labelled.rows, 4);
    const target = new LabelStore(g.catalog, g.libraryId);
    const result = importLabelsCsv(target, LibraryPaths.of(g.catalog, g.libraryId, '/photos'), labelled.text);
    assert.deepEqual(result.errors, []);
    const byPath = (fx: typeof f, s: LabelStore) =>
      s
        .allLabels()
        .map((l) => [[...fx.ids].find(([, id]) => id === l.imageId)?.[0], l.label, l.rank])
        .sort();
    assert.deepEqual(byPath(g, target), byPath(f, store));
  } finally {
    f.cleanup();
    g.cleanup();
  }
});

test("a CUB model's export carries scientific name, genus, family and order", () => {
  const { f, store } = open(['017.Cardinal/1.jpg', 'b.jpg']);
  try {
    store.apply([f.id('017.Cardinal/1.jpg')], { label: 'Cardinal', rank: 'species' }, 'manual');
    store.apply([f.id('b.jpg')], { label: 'Icteridae', rank: 'family' }, 'manual');
    const csv = labelsCsv(f.catalog, f.libraryId, {
      rowId: f.modelRowId,
      id: 'cub',
      labelSet: 'cub200',
      classNames: CLASSES,
    });
    const [header, cardinal, family] = parseCsv(csv.text).records.map((r) => r.fields);
    assert.deepEqual(header?.slice(0, 8), [
      'path',
      'label',
      'label_source',
      'label_rank',
      'scientific_name',
      'genus',
      'family',
      'order',
    ]);
    assert.deepEqual(cardinal?.slice(4, 8), ['Cardinalis cardinalis', 'Cardinalis', 'Cardinalidae', 'Passeriformes']);
    assert.deepEqual(family?.slice(4, 8), ['', '', 'Icteridae', 'Passeriformes']);
  } finally {
    f.cleanup();
  }
});

test('folder names become labels (ImageFolder): ids stripped, underscores to spaces, known classes matched', () => {
  assert.equal(labelFromFolderName('017.Cardinal'), 'Cardinal');
  assert.equal(labelFromFolderName('001.Black_footed_Albatross'), 'Black footed Albatross');
  const { f, store, paths } = open([
    'birds/017.Cardinal/x.jpg',
    'birds/001.Black_footed_Albatross/y.jpg',
    'birds/my_own_thing/z.jpg',
    'root.jpg',
  ]);
  try {
    const dry = importLabelsFromFolders(store, paths, ['Black_footed_Albatross'], { dryRun: true });
    assert.deepEqual([dry.applied, dry.skipped, store.labelledCount()], [3, 1, 0]);
    const result = importLabelsFromFolders(store, paths, ['Black_footed_Albatross']);
    assert.deepEqual(result.labels, [
      { label: 'Black_footed_Albatross', count: 1, matched: true },
      { label: 'Cardinal', count: 1, matched: false },
      { label: 'my own thing', count: 1, matched: false },
    ]);
    assert.equal(store.labelOf(f.id('birds/017.Cardinal/x.jpg'))?.label, 'Cardinal');
    assert.equal(store.undoState().undo, 'Label 3 images from folder names');
  } finally {
    f.cleanup();
  }
});
