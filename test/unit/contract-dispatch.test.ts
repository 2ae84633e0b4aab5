import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatchRequest, isRequestMethod, validateRequest } from '../../main/contract/dispatch.js';
import { REQUEST_METHODS, requestSchemas, type RequestHandlers } from '../../main/contract/requests.js';
import { FieldmarkError } from '../../main/util/errors.js';

function expectInvalid(method: unknown, input: unknown, pattern: RegExp): void {
  assert.throws(
    () => validateRequest(method, input),
    (error: unknown) =>
      error instanceof FieldmarkError && error.kind === 'InvalidArgument' && pattern.test(error.message),
  );
}

const validList = { sort: 'name', order: 'asc', offset: 0, limit: 100 };

describe('contract request validation', () => {
  it('knows every method it has a schema for, and nothing else', () => {
    assert.deepEqual([...REQUEST_METHODS].sort(), Object.keys(requestSchemas).sort());
    assert.equal(isRequestMethod('images.list'), true);
    assert.equal(isRequestMethod('toString'), false, 'prototype names are not methods');
    assert.equal(isRequestMethod(42), false);
  });

  it('refuses an unknown method and names the known ones', () => {
    expectInvalid(
      'images.delete',
      {},
      /unknown request method: expected one of .*images\.list.*received "images\.delete"/,
    );
    expectInvalid(undefined, {}, /received undefined/);
  });

  it('accepts a valid query and treats a missing input as empty', () => {
    assert.deepEqual(validateRequest('images.list', validList).input, validList);
    assert.deepEqual(validateRequest('images.list', { ...validList, ids: [9, 2] }).input, {
      ...validList,
      ids: [9, 2],
    });
    assert.deepEqual(validateRequest('app.info', undefined).input, {});
  });

  it('says where the input is wrong and what it received', () => {
    expectInvalid(
      'images.list',
      { ...validList, limit: 5000 },
      /images\.list: input\.limit: .*received 5000 \(number\)/,
    );
    expectInvalid('images.list', { ...validList, sort: 'size' }, /input\.sort/);
    expectInvalid('images.list', { ...validList, offset: -1 }, /input\.offset.*received -1/);
    expectInvalid('images.list', { ...validList, minConfidence: 1.5 }, /input\.minConfidence.*received 1\.5/);
    expectInvalid('images.list', { ...validList, ids: [3, 0] }, /input\.ids\.1/);
    expectInvalid('images.list', { ...validList, ids: Array.from({ length: 10_001 }, (_, i) => i + 1) }, /input\.ids/);
    expectInvalid('images.details', { id: '7' }, /input\.id: .*expected number, received string/);
    expectInvalid('images.details', { id: 1.5 }, /input\.id/);
    expectInvalid('library.open', { root: '' }, /input\.root/);
    expectInvalid('settings.update', { batchSize: 0 }, /input\.batchSize.*received 0/);
    expectInvalid('settings.update', { device: 'tpu' }, /input\.device/);
    expectInvalid('plots.confidenceHistogram', { bins: 1 }, /input\.bins/);
  });

  it('refuses keys the schema does not know', () => {
    expectInvalid('app.info', { extra: true }, /Unrecognized key.*extra/);
    expectInvalid('images.list', { ...validList, path: '/etc/passwd' }, /path/);
  });
});

describe('dispatchRequest', () => {
  const handlers = {
    'app.info': () => ({ version: '1', transport: 'web', canPickFolder: false, platform: 'linux' }),
    'images.details': ({ id }: { id: number }) => {
      throw new FieldmarkError('NotFound', `image ${id} is not in the library`);
    },
    'indexing.pause': () => {
      throw new Error('boom');
    },
  } as unknown as RequestHandlers;

  it('wraps the value of a handler', async () => {
    assert.deepEqual(await dispatchRequest(handlers, 'app.info', {}), {
      ok: true,
      value: { version: '1', transport: 'web', canPickFolder: false, platform: 'linux' },
    });
  });

  it('turns a FieldmarkError into its kind and message', async () => {
    assert.deepEqual(await dispatchRequest(handlers, 'images.details', { id: 9 }), {
      ok: false,
      error: { kind: 'NotFound', message: 'image 9 is not in the library' },
    });
  });

  it('turns other errors into Internal and bad input into InvalidArgument, never throwing', async () => {
    assert.deepEqual(await dispatchRequest(handlers, 'indexing.pause', {}), {
      ok: false,
      error: { kind: 'Internal', message: 'boom' },
    });
    const reply = await dispatchRequest(handlers, 'images.details', { id: -3 });
    assert.equal(reply.ok, false);
    assert.equal(!reply.ok && reply.error.kind, 'InvalidArgument');
  });
});
