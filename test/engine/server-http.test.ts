import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { AppService } from '../../main/app/app-service.js';
import { FEATURE_FRAME_MAGIC } from '../../main/contract/events.js';
import type { WireServerMessage } from '../../main/contract/wire.js';
import { startServer, type RunningServer } from '../../main/server/http-server.js';
import { buildRoot } from '../../main/util/code-layout.js';
import { websocketUpgradeStatus } from '../helpers/websocket-status.js';
import { BIRDS, makeService, makeTestLibrary, type TestLibrary } from './app-test-library.js';

/** The renderer bundle of the build that `npm test` makes first. */
const rendererDir = join(buildRoot(), 'renderer');
const TOKEN = 'test-token-0123456789';

/** A raw GET, so the Host header can be anything. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes `text` on a raw TCP connection; with `reset`, resets it at once. Resolves with the status line (or '' when reset). */
function rawExchange(port: number, text: string, reset = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      if (reset) socket.resetAndDestroy();
    });
    let received = '';
    // A server that threw in its handler never answers nor closes; give up instead of hanging.
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined); // a reset connection reports ECONNRESET here; the reply (none) is what counts
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
  });
}

class Client {
  readonly messages: WireServerMessage[] = [];
  readonly binary: Buffer[] = [];
  private seq = 1;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.binary.push(data);
      else this.messages.push(JSON.parse(data.toString()) as WireServerMessage);
    });
  }
  static open(url: string, origin: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { origin });
      socket.once('open', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }
  async call(method: string, input: unknown): Promise<unknown> {
    const seq = this.seq++;
    this.socket.send(JSON.stringify({ type: 'request', seq, method, input }));
    return this.waitFor((message) => message.type === 'reply' && message.seq === seq).then((message) =>
      message.type === 'reply' ? message.reply : null,
    );
  }
  async waitFor(match: (message: WireServerMessage) => boolean, timeoutMs = 60_000): Promise<WireServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('timed out waiting for a websocket message');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('fieldmark serve: HTTP and WebSocket transport', () => {
  let fixture: TestLibrary;
  let service: AppService;
  let server: RunningServer;
  let base: string;

  before(async () => {
    fixture = await makeTestLibrary('server-http');
    service = makeService(fixture);
    server = await startServer({ service, rendererDir, port: 0, token: TOKEN, log: () => undefined });
    base = `http://127.0.0.1:${server.port}`;
  });

  after(async () => {
    await server?.close();
    await service?.close();
    await fixture?.cleanup();
  });

  it('prints a loopback URL with the token', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    assert.ok(server.port > 0);
  });

  it('refuses requests without the right token', async () => {
    assert.equal((await fetch(`${base}/`)).status, 401);
    assert.equal((await fetch(`${base}/app.js`)).status, 401);
    assert.equal((await fetch(`${base}/?token=nope`)).status, 403);
    assert.equal(
      (await fetch(`${base}/app.js`, { headers: { cookie: `fieldmark_token_${server.port}=nope` } })).status,
      403,
    );
    assert.equal((await fetch(`${base}/app.js`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  });

  it('trades the URL token for a cookie and serves the renderer with a strict CSP', async () => {
    const first = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/');
    const cookie = first.headers.get('set-cookie') ?? '';
    assert.match(cookie, new RegExp(`^fieldmark_token_${server.port}=${TOKEN}; HttpOnly; SameSite=Strict`));
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal((await fetch(`${base}/nothing.js`, { headers: { cookie: cookie.split(';')[0]! } })).status, 404);
    assert.equal((await fetch(`${base}/`, { method: 'POST', headers: { cookie: cookie.split(';')[0]! } })).status, 405);
  });

  it('answers only to its own host name (DNS rebinding)', async () => {
    assert.equal(await rawGet(server.port, `/?token=${TOKEN}`, { host: `evil.example:${server.port}` }), 403);
    assert.equal(await rawGet(server.port, `/app.js?token=${TOKEN}`, { host: `localhost:${server.port}` }), 200);
  });

  it('refuses websockets without the token or from another origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    assert.equal(await websocketUpgradeStatus(ws, base), 401);
    assert.equal(await websocketUpgradeStatus(`${ws}?token=nope`, base), 403);
    assert.equal(await websocketUpgradeStatus(`${ws}?token=${TOKEN}`, 'https://evil.example'), 403);
    assert.equal(await websocketUpgradeStatus(`${ws}?token=${TOKEN}`, undefined), 403);
    assert.equal(await websocketUpgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${TOKEN}`, base), 404);
    assert.equal(await websocketUpgradeStatus(`${ws}?token=${TOKEN}`, base), 101);
  });

  it('runs the contract over the websocket: replies, events and binary feature frames', async () => {
    const client = await Client.open(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, base);
    try {
      const info = (await client.call('app.info', {})) as {
        ok: boolean;
        value: { transport: string; canPickFolder: boolean };
      };
      assert.deepEqual([info.ok, info.value.transport, info.value.canPickFolder], [true, 'web', false]);
      assert.deepEqual(await client.call('library.current', {}), { ok: true, value: null });
      const bad = (await client.call('images.list', { sort: 'size' })) as {
        ok: boolean;
        error: { kind: string; message: string };
      };
      assert.equal(bad.ok, false);
      assert.equal(bad.error.kind, 'InvalidArgument');
      assert.match(bad.error.message, /^images\.list: input\./);
      const noLibrary = (await client.call('library.stats', {})) as { ok: boolean; error: { kind: string } };
      assert.equal(noLibrary.error.kind, 'NotFound');

      const opened = (await client.call('library.open', { root: fixture.library })) as {
        ok: boolean;
        value: { root: string };
      };
      assert.equal(opened.ok, true, JSON.stringify(opened));
      await client.waitFor(
        (message) =>
          message.type === 'event' && message.event.type === 'indexing' && message.event.status.state === 'finished',
      );
      const predictions = client.messages.flatMap((message) =>
        message.type === 'event' && message.event.type === 'predictions' ? message.event.items : [],
      );
      assert.equal(predictions.length, BIRDS + 1);
      // Feature batches come as binary frames; they are sent before the job's final state.
      const frames = client.binary;
      assert.ok(frames.length > 0);
      let vectors = 0;
      for (const frame of frames) {
        assert.equal(frame.readUInt32LE(0), FEATURE_FRAME_MAGIC);
        const count = frame.readUInt32LE(4);
        const dim = frame.readUInt32LE(8);
        assert.equal(dim, 512, 'resnet18 pools 512 features');
        assert.equal(frame.length, 16 + count * 4 + count * dim * 4);
        const first = new Float32Array(new Uint8Array(frame).buffer, 16 + count * 4, dim);
        const norm = Math.hypot(...first);
        assert.ok(Math.abs(norm - 1) < 1e-3, `vectors are L2-normalised (norm ${norm})`);
        vectors += count;
      }
      assert.equal(vectors, BIRDS + 1);

      const page = (await client.call('images.list', { sort: 'name', order: 'asc', offset: 0, limit: 1 })) as {
        value: { items: { id: number }[] };
      };
      const id = page.value.items[0]!.id;
      const thumb = await fetch(`${base}/thumb/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(thumb.status, 200);
      assert.equal(thumb.headers.get('content-type'), 'image/webp');
      assert.equal(
        (await fetch(`${base}/image/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).headers.get(
          'content-type',
        ),
        'image/jpeg',
      );
      assert.equal(
        (await fetch(`${base}/thumb/987654`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
        404,
      );
      assert.equal(
        (await fetch(`${base}/thumb/..%2F..%2Fetc%2Fpasswd`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
        404,
      );
    } finally {
      client.socket.close();
    }
  });

  it('survives malformed and reset websocket upgrades', async () => {
    const upgrade = (target: string, token = '') =>
      `GET ${target}${token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`;
    // A request target that is no URL used to throw out of the upgrade handler and end the process.
    assert.equal(await rawExchange(server.port, upgrade('//[')), 'HTTP/1.1 400 Bad Request');
    // A client that resets while being refused used to raise an unhandled socket 'error' (fatal
    // outside the test runner, which catches it: count them here).
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      for (let i = 0; i < 100; i++) await rawExchange(server.port, upgrade('/ws?token=nope'), true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('uncaughtException', record);
    }
    assert.deepEqual(uncaught.map(String), []);
    assert.equal((await fetch(`${base}/app.js`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  });

  it('closes a websocket that sends something other than a request', async () => {
    const client = await Client.open(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, base);
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    client.socket.send('{"type":"hello"}');
    assert.equal(await closed, 1008);
  });
});
