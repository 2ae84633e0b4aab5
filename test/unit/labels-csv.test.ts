/** CSV quoting, formula neutralising and the RFC 4180 parser (BOM, CRLF, quotes, newlines, unicode), with a seeded fuzzed round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, csvRecord, neutralizeCsvCell, parseCsv, restoreCsvCell } from '../../main/engine/export/csv.js';
import { FieldmarkError } from '../../main/util/errors.js';
import { mulberry32 } from '../../main/util/seeded-random.js';

const fields = (text: string) => parseCsv(text).records.map((r) => r.fields);
const malformed = (line: number) => (error: unknown) =>
  error instanceof FieldmarkError && error.kind === 'InvalidArgument' && error.message.startsWith(`CSV line ${line}:`);

test('cells a spreadsheet would run as formulas get a leading quote; numbers do not; the quote comes off on reading', () => {
  for (const cell of ['=SUM(A1:A9)', '+1', '-2+3', '@cmd', '\tx', '\rx', "'=already"]) {
    assert.equal(neutralizeCsvCell(cell), `'${cell}`, cell);
    assert.equal(restoreCsvCell(neutralizeCsvCell(cell)), cell);
  }
  for (const cell of ['plain', "it's", "'quoted", 'a=b', '']) {
    assert.equal(neutralizeCsvCell(cell), cell);
    assert.equal(restoreCsvCell(cell), cell);
  }
  assert.equal(csvField(-1.5), '-1.5');
  assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvRecord(['@a', '-', 3]), "'@a,'-,3\r\n");
});

test('the parser takes a BOM, CRLF, LF and CR line ends, quoted commas, doubled quotes, line breaks and unicode', () => {
  assert.deepEqual(fields('\uFEFFpath,label\r\na.jpg,cat\r\n'), [
    ['path', 'label'],
    ['a.jpg', 'cat'],
  ]);
  assert.deepEqual(
    fields('a,b\nc,d'),
    [
      ['a', 'b'],
      ['c', 'd'],
    ],
    'no final line break',
  );
  assert.deepEqual(fields('a\rb\r'), [['a'], ['b']]);
  assert.deepEqual(fields('"x, y","say ""hi""","two\r\nlines"\r\n'), [['x, y', 'say "hi"', 'two\r\nlines']]);
  assert.deepEqual(fields('Vögel/ü.jpg,"Großer Brachvogel 🐦",日本\n'), [
    ['Vögel/ü.jpg', 'Großer Brachvogel 🐦', '日本'],
  ]);
  assert.deepEqual(fields('a,,\n,,\n'), [
    ['a', '', ''],
    ['', '', ''],
  ]);
  assert.deepEqual(fields('a\n\n\nb\n'), [['a'], ['b']], 'blank lines are skipped');
  assert.deepEqual(fields('""\n'), [['']], 'a quoted empty field is a record');
  assert.deepEqual(fields(''), []);
  const withLines = parseCsv('h\n"multi\nline"\nnext\n').records.map((r) => r.line);
  assert.deepEqual(withLines, [1, 2, 4], 'records know the line they start on');
});

test('text that is not CSV is refused with its line', () => {
  assert.throws(() => parseCsv('a,b\n"open,c\n'), malformed(2));
  assert.throws(() => parseCsv('a,b\n"x"y,c\n'), malformed(2));
  assert.throws(() => parseCsv('a,b\nx"y,c\n'), malformed(2));
  assert.throws(() => parseCsv('PK\u0003\u0004\u0000\u0000binary'), malformed(1));
});

test('fuzzed round trip (seeded): any cells written by csvRecord parse back exactly', () => {
  const alphabet = [
    'a',
    'Z',
    '0',
    ' ',
    ',',
    '"',
    "'",
    '\r',
    '\n',
    '\r\n',
    '\t',
    '=',
    '+',
    '-',
    '@',
    'é',
    'ß',
    '鳥',
    '🐦',
    '\u200b',
    ';',
    '\\',
  ];
  for (const seed of [1, 2, 3, 42, 2026]) {
    const random = mulberry32(seed); // seeded, so a failing case can be replayed
    const rows: string[][] = [];
    for (let r = 0; r < 200; r += 1) {
      const width = 1 + Math.floor(random() * 5);
      const row: string[] = [];
      for (let c = 0; c < width; c += 1) {
        let cell = '';
        const length = Math.floor(random() * 8);
        for (let k = 0; k < length; k += 1) cell += alphabet[Math.floor(random() * alphabet.length)];
        row.push(cell);
      }
      // A record of one empty cell is a blank line; CSV cannot tell it from nothing.
      if (row.length === 1 && row[0] === '') row[0] = 'x';
      rows.push(row);
    }
    const text = rows.map((row) => csvRecord(row)).join('');
    const back = fields(text).map((row) => row.map(restoreCsvCell));
    assert.deepEqual(back, rows, `seed ${seed}`);
  }
});
