import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineClient } from '../../main/host/engine-client.js';
import {
  isClientMessage,
  isEngineMessage,
  type ClientMessage,
  type EngineMessage,
} from '../../main/host/engine-protocol.js';
import { REQUEST_METHODS } from '../../main/contract/requests.js';
import { FieldmarkError } from '../../main/util/errors.js';

/** A channel whose engine end the test drives by hand. */
function fakeEngine() {
  const sent: ClientMessage[] = [];
  let deliver: (message: EngineMessage) => void = () => undefined;
  let exit: (reason: string) => void = () => undefined;
  const exited = new Promise<string>((resolve) => (exit = resolve));
  let terminated = 0;
  const channel = {
    post: (message: ClientMessage) => void sent.push(message),
    onMessage: (listener: (message: EngineMessage) => void) => void (deliver = listener),
  };
  const host = {
    terminate: async () => {
      terminated += 1;
      exit('terminated');
    },
    exited,
  };
  return {
    sent,
    channel,
    host,
    deliver: (message: EngineMessage) => deliver(message),
    exit: (reason: string) => exit(reason),
    terminated: () => terminated,
  };
}

describe('engine client', () => {
  it('forwards every contract method generically', () => {
    const engine = fakeEngine();
    const client = new EngineClient(engine.channel, engine.host, { log: () => undefined });
    assert.deepEqual(Object.keys(client.handlers).sort(), [...REQUEST_METHODS].sort());
  });

  it('matches replies by sequence number and rebuilds errors with their kind', async () => {
    const engine = fakeEngine();
    const client = new EngineClient(engine.channel, engine.host, { log: () => undefined });
    const first = Promise.resolve(client.handlers['library.stats']({}));
    const second = Promise.resolve(client.handlers['images.details']({ id: 5 }));
    const [a, b] = engine.sent as Extract<ClientMessage, { type: 'call' }>[];
    assert.equal(a?.method, 'library.stats');
    assert.equal(b?.method, 'images.details');
    assert.notEqual(a?.seq, b?.seq);
    // Answered out of order.
    engine.deliver({
      type: 'reply',
      seq: b!.seq,
      reply: { ok: false, error: { kind: 'NotFound', message: 'no image 5' } },
    });
    engine.deliver({ type: 'reply', seq: a!.seq, reply: { ok: true, value: { total: 3 } } });
    assert.deepEqual(await first, { total: 3 });
    await assert.rejects(
      second,
      (error: unknown) =>
        error instanceof FieldmarkError && error.kind === 'NotFound' && error.message === 'no image 5',
    );
  });

  it('fails a call the engine does not answer in time with Timeout', async () => {
    const engine = fakeEngine();
    const client = new EngineClient(engine.channel, engine.host, { log: () => undefined, callTimeoutMs: 20 });
    await assert.rejects(
      async () => client.handlers['library.stats']({}),
      (error: unknown) => error instanceof FieldmarkError && error.kind === 'Timeout',
    );
  });

  it("answers the engine's folder-dialog request and reports a side without a dialog as an error", async () => {
    const engine = fakeEngine();
    new EngineClient(engine.channel, engine.host, { log: () => undefined, pickFolder: async () => '/photos' });
    engine.deliver({ type: 'host-request', seq: 7, request: { action: 'pickFolder' } });
    engine.deliver({ type: 'host-request', seq: 8, request: { action: 'trashFiles', paths: ['/a.jpg'] } });
    await new Promise<void>((resolve) => {
      const check = () => (engine.sent.length >= 2 ? resolve() : setImmediate(check));
      check();
    });
    const replies = engine.sent.filter(
      (message): message is Extract<ClientMessage, { type: 'host-reply' }> => message.type === 'host-reply',
    );
    assert.deepEqual(replies.find((reply) => reply.seq === 7)?.reply, { ok: true, value: '/photos' });
    assert.equal(replies.find((reply) => reply.seq === 8)?.reply.ok, false);
  });

  it('fails waiting calls when the engine dies, and emits an error event', async () => {
    const engine = fakeEngine();
    const client = new EngineClient(engine.channel, engine.host, { log: () => undefined });
    const events: string[] = [];
    client.onEvent((event) => events.push(event.type === 'error' ? event.error.message : event.type));
    const waiting = Promise.resolve(client.handlers['library.stats']({}));
    engine.exit('the worker exited with code 1');
    await assert.rejects(waiting, /engine stopped: the worker exited with code 1/);
    assert.ok(events.some((text) => text.includes('exited with code 1')));
    await assert.rejects(async () => client.handlers['library.stats']({}), /engine stopped/);
  });

  it('rebuilds feature batches as Float32Array events', () => {
    const engine = fakeEngine();
    const client = new EngineClient(engine.channel, engine.host, { log: () => undefined });
    const got: Float32Array[] = [];
    client.onEvent((event) => {
      if (event.type === 'features') got.push(event.batch.vectors);
    });
    engine.deliver({ type: 'features', imageIds: [1, 2], dim: 2, vectors: Float32Array.of(1, 0, 0, 1) });
    assert.deepEqual(Array.from(got[0] ?? []), [1, 0, 0, 1]);
  });

  it('tells protocol messages from strays', () => {
    assert.equal(isClientMessage({ type: 'call', seq: 1, method: 'x', input: {} }), true);
    assert.equal(isClientMessage({ type: 'reply' }), false);
    assert.equal(isEngineMessage({ type: 'reply', seq: 1, reply: { ok: true, value: null } }), true);
    assert.equal(isEngineMessage(null), false);
    assert.equal(isEngineMessage('ready'), false);
  });
});
