import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldmarkError } from '../../main/util/errors.js';
import { downloadFile } from '../../main/zoo/fetch/download.js';
import { bypassesProxy, proxyFor } from '../../main/zoo/fetch/http-proxy.js';
import {
  closedPort,
  startFileServer,
  startProxy,
  testBytes,
  tlsCertificate,
  type FileServer,
} from '../fixtures/http-fixtures.js';
import { makeTempDir } from '../fixtures/zoo-helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
let server: FileServer;
before(async () => {
  ({ dir, cleanup } = await makeTempDir('zoo-download'));
  server = await startFileServer(testBytes(300_000));
});
after(async () => {
  await server.close();
  await cleanup();
});

const NO_PROXY_ENV: NodeJS.ProcessEnv = {};

test('a download verifies its SHA-256 prefix, follows redirects and reports progress', async () => {
  const destination = join(dir, 'plain.pth');
  const progress: Array<[number, number | null]> = [];
  const result = await downloadFile({
    url: `${server.url}/moved.pth`,
    destination,
    sha256Prefix: server.sha256.slice(0, 8),
    env: NO_PROXY_ENV,
    onProgress: (received, total) => progress.push([received, total]),
  });
  assert.equal(result.attempts, 1);
  assert.equal(result.sha256, server.sha256);
  assert.ok(readFileSync(destination).equals(server.body));
  assert.ok(!existsSync(`${destination}.part`));
  assert.deepEqual(progress.at(-1), [300_000, 300_000]);
});

test('a dropped connection is resumed with a Range request', async () => {
  server.requests.length = 0;
  server.dropNextAfter = 120_000;
  const destination = join(dir, 'resumed.pth');
  const result = await downloadFile({
    url: `${server.url}/file.pth`,
    destination,
    sha256Prefix: server.sha256.slice(0, 8),
    env: NO_PROXY_ENV,
  });
  assert.equal(result.attempts, 2);
  assert.deepEqual(
    server.requests.map((r) => r.range),
    [undefined, 'bytes=120000-'],
  );
  assert.ok(readFileSync(destination).equals(server.body));
});

test('a file whose hash does not match is refused and deleted', async () => {
  const destination = join(dir, 'tampered.pth');
  await assert.rejects(
    downloadFile({ url: `${server.url}/file.pth`, destination, sha256Prefix: 'deadbeef', env: NO_PROXY_ENV }),
    (error: unknown) => {
      assert.ok(error instanceof FieldmarkError);
      assert.equal(error.kind, 'ChecksumMismatch');
      assert.match(error.message, new RegExp(`SHA-256 is ${server.sha256}, expected it to start with deadbeef`));
      return true;
    },
  );
  assert.ok(!existsSync(destination) && !existsSync(`${destination}.part`));
});

test('HTTP errors are reported with the status', async () => {
  await assert.rejects(
    downloadFile({ url: `${server.url}/missing.pth`, destination: join(dir, 'missing.pth'), env: NO_PROXY_ENV }),
    /answered HTTP 404/,
  );
});

test('offline (nothing answers) fails at once with the hint', async () => {
  const port = await closedPort();
  const started = Date.now();
  await assert.rejects(
    downloadFile({
      url: `http://127.0.0.1:${port}/x.pth`,
      destination: join(dir, 'offline.pth'),
      env: NO_PROXY_ENV,
      offlineHint: 'Use models import.',
    }),
    (error: unknown) => {
      assert.ok(error instanceof FieldmarkError);
      assert.equal(error.kind, 'Offline');
      assert.match(error.message, /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\).*Use models import\./);
      return true;
    },
  );
  assert.ok(Date.now() - started < 2000, 'no retries when offline');
});

test('HTTP_PROXY carries http downloads; NO_PROXY bypasses it', async () => {
  const proxy = await startProxy();
  try {
    const env = { HTTP_PROXY: proxy.url };
    await downloadFile({
      url: `${server.url}/file.pth`,
      destination: join(dir, 'via-proxy.pth'),
      sha256Prefix: server.sha256.slice(0, 8),
      env,
    });
    assert.deepEqual(proxy.seen, [`${server.url}/file.pth`]);
    await downloadFile({
      url: `${server.url}/file.pth`,
      destination: join(dir, 'direct.pth'),
      env: { ...env, NO_PROXY: 'localhost,127.0.0.1' },
    });
    assert.equal(proxy.seen.length, 1);
  } finally {
    await proxy.close();
  }
});

test('HTTPS_PROXY tunnels https downloads with CONNECT', async () => {
  const secure = await startFileServer(testBytes(50_000, 7), { tls: true });
  const proxy = await startProxy();
  try {
    const destination = join(dir, 'tunnel.pth');
    await downloadFile({
      url: `${secure.url}/file.pth`,
      destination,
      sha256Prefix: secure.sha256.slice(0, 12),
      env: { HTTPS_PROXY: proxy.url },
      ca: tlsCertificate().cert,
    });
    assert.deepEqual(proxy.seen, [`CONNECT ${new URL(secure.url).host}`]);
    assert.ok(readFileSync(destination).equals(secure.body));
    // Without the CA the certificate is not trusted: reported at once, not retried.
    const started = Date.now();
    await assert.rejects(
      downloadFile({
        url: `${secure.url}/file.pth`,
        destination: join(dir, 'untrusted.pth'),
        env: { HTTPS_PROXY: proxy.url },
      }),
      /TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\).*NODE_EXTRA_CA_CERTS/,
    );
    assert.ok(Date.now() - started < 2000);
  } finally {
    await proxy.close();
    await secure.close();
  }
});

test('proxy selection follows HTTPS_PROXY / HTTP_PROXY / NO_PROXY conventions', () => {
  const env = {
    HTTPS_PROXY: 'proxy.corp:3128',
    http_proxy: 'http://user:pw@p2:8080',
    NO_PROXY: '.internal.example, localhost:9000',
  };
  assert.equal(proxyFor(new URL('https://download.openmmlab.com/x'), env)?.href, 'http://proxy.corp:3128/');
  assert.equal(proxyFor(new URL('http://github.com/x'), env)?.host, 'p2:8080');
  assert.equal(bypassesProxy(new URL('https://a.internal.example/x'), env), true);
  assert.equal(bypassesProxy(new URL('https://internal.example/x'), env), true);
  assert.equal(bypassesProxy(new URL('http://localhost:9000/x'), env), true);
  assert.equal(bypassesProxy(new URL('http://localhost:9001/x'), env), false);
  assert.equal(proxyFor(new URL('https://example.com'), { NO_PROXY: '*', HTTPS_PROXY: 'http://p:1' }), null);
  assert.equal(proxyFor(new URL('https://example.com'), {}), null);
});
