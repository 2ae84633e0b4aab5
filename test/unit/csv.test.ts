import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  csvField,
  csvRecord,
  formatTopK,
  predictionCsvRecord,
  PREDICTIONS_CSV_HEADER,
} from '../../main/engine/export/csv.js';

test('fields with commas, quotes or line breaks are quoted (RFC 4180)', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(null), '');
  assert.equal(csvRecord(['x', 1, null]), 'x,1,\r\n');
});

test('header is exactly the documented columns', () => {
  assert.equal(
    csvRecord(PREDICTIONS_CSV_HEADER),
    'path,label,label_source,prediction,prediction_index,confidence,top_k,model\r\n',
  );
});

test('a prediction row names the class, its index, confidence and top-k pairs', () => {
  const record = predictionCsvRecord(
    {
      relPath: 'Vögel/a, b.jpg',
      label: null,
      labelSource: null,
      topk: [
        { index: 12, prob: 0.91321 },
        { index: 7, prob: 0.04112 },
      ],
    },
    Array.from({ length: 20 }, (_, i) => (i === 12 ? 'Black-footed "Albatross"' : `c${i}`)),
    'm1',
  );
  assert.equal(record, '"Vögel/a, b.jpg",,,"Black-footed ""Albatross""",12,0.9132,12:0.9132;7:0.0411,m1\r\n');
  assert.equal(formatTopK([]), '');
});
