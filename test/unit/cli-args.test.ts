import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandArgs, intOption, choiceOption, expectPositionals, UsageError } from '../../main/cli/args.js';

test('integer options are range-checked with an expected/received message', () => {
  assert.equal(intOption('batch', '16', 8, 1, 256), 16);
  assert.equal(intOption('batch', undefined, 8, 1, 256), 8);
  assert.throws(() => intOption('batch', '0', 8, 1, 256), {
    name: 'UsageError',
    message: '--batch: expected an integer from 1 to 256, received "0"',
  });
  assert.throws(() => intOption('batch', '3.5', 8, 1, 256), UsageError);
  assert.throws(() => intOption('batch', 'abc', 8, 1, 256), UsageError);
});

test('choices and positionals say what was expected', () => {
  assert.equal(choiceOption('device', 'gpu', ['auto', 'cpu', 'gpu'], 'auto'), 'gpu');
  assert.throws(() => choiceOption('device', 'tpu', ['auto', 'cpu', 'gpu'], 'auto'), {
    message: '--device: expected one of auto|cpu|gpu, received "tpu"',
  });
  assert.throws(() => expectPositionals('classify', [], ['folder']), {
    message: 'classify: expected <folder>, received 0 (none)',
  });
  assert.throws(() => parseCommandArgs('classify', ['--nope'], {}), UsageError);
});
