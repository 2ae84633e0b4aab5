import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError, toErrorData, describeValue, isErrorKind } from '../../main/util/errors.js';

test('toErrorData keeps the kind of a FieldmarkError and maps others to Internal', () => {
  assert.deepEqual(toErrorData(new FieldmarkError('DecodeFailed', 'bad jpeg')), {
    kind: 'DecodeFailed',
    message: 'bad jpeg',
  });
  assert.deepEqual(toErrorData(new Error('boom')), { kind: 'Internal', message: 'boom' });
  assert.deepEqual(toErrorData('text'), { kind: 'Internal', message: 'text' });
});

test('describeValue names the type of what was received', () => {
  assert.equal(describeValue(2), '2 (number)');
  assert.equal(describeValue('x'), '"x" (string)');
  assert.equal(describeValue([1, 2]), 'an array of length 2');
  assert.equal(isErrorKind('DecodeFailed'), true);
  assert.equal(isErrorKind('Nope'), false);
});
