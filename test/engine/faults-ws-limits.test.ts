/**
 * Issue 12: `serve` bounds the requests one WebSocket may have unanswered, so a client cannot pile
 * work up behind a slow or hung handler; the connection stays usable once replies come.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { bindWebSocket } from '../../main/server/ws-transport.js';
import type { AppService } from '../../main/app/app-service.js';
import type { WireServerMessage } from '../../main/contract/wire.js';

test('requests beyond the in-flight limit are answered at once with an error; later ones run again', async () => {
  // A handler that hangs until the test releases it: what a stuck catalog or model looks like to the transport.
  const releases: (() => void)[] = [];
  const service = {
    handlers: { 'settings.get': () => new Promise((resolve) => releases.push(() => resolve({ theme: 'x' }))) },
    onEvent: () => () => undefined,
  } as unknown as Pick<AppService, 'handlers' | 'onEvent'>;
  const logs: string[] = [];
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 1024 * 1024 });
  server.on('connection', (socket) =>
    bindWebSocket(socket, service, (line) => logs.push(line), { maxRequestsInFlight: 3 }),
  );
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  await once(client, 'open');
  const replies: Extract<WireServerMessage, { type: 'reply' }>[] = [];
  client.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as WireServerMessage;
    if (message.type === 'reply') replies.push(message);
  });
  const waitFor = async (count: number) => {
    while (replies.length < count) await once(client, 'message');
  };
  try {
    for (let seq = 1; seq <= 5; seq += 1)
      client.send(JSON.stringify({ type: 'request', seq, method: 'settings.get', input: undefined }));
    await waitFor(2);
    assert.deepEqual(
      replies.map((r) => r.seq),
      [4, 5],
    );
    for (const reply of replies)
      assert.match(
        JSON.stringify(reply.reply),
        /"ok":false.*too many requests in flight on this connection \(at most 3\)/,
      );
    assert.equal(logs.length, 1, 'logged once, not per refused request');
    assert.equal(releases.length, 3, 'only three reached the handler');
    for (const release of releases.splice(0)) release();
    await waitFor(5);
    assert.deepEqual(
      replies.slice(2).map((r) => [r.seq, r.reply.ok]),
      [
        [1, true],
        [2, true],
        [3, true],
      ],
    );
    client.send(JSON.stringify({ type: 'request', seq: 6, method: 'settings.get', input: undefined }));
    const waiting = () => releases.length; // read through a call: the asserts above narrowed the length
    while (waiting() === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
    await waitFor(6);
    assert.deepEqual([replies[5]!.seq, replies[5]!.reply.ok], [6, true]);
  } finally {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
