/**
 * Proxy support for downloads, following the conventions of curl and most tools:
 * HTTPS_PROXY / https_proxy for https URLs, HTTP_PROXY / http_proxy for http URLs, ALL_PROXY as a
 * fallback, and NO_PROXY / no_proxy (comma-separated hosts or domain suffixes, `*` for all).
 * https goes through a CONNECT tunnel; plain http asks the proxy for the absolute URL.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import { FieldmarkError } from '../../util/errors.js';

function envValue(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** Whether NO_PROXY exempts `url`'s host. */
export function bypassesProxy(url: URL, env: NodeJS.ProcessEnv): boolean {
  const list = envValue(env, 'NO_PROXY', 'no_proxy');
  if (!list) return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      if (raw === '*') return true;
      const [entryHost = '', entryPort] = raw
        .toLowerCase()
        .replace(/^\*?\./, '.')
        .split(/:(?=\d+$)/);
      if (entryPort && entryPort !== port) return false;
      const bare = entryHost.replace(/^\./, '');
      return host === bare || host.endsWith(`.${bare}`);
    });
}

/** The proxy to use for `url`, or null for a direct connection. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | null {
  if (bypassesProxy(url, env)) return null;
  const raw =
    url.protocol === 'https:'
      ? envValue(env, 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy')
      : envValue(env, 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy');
  if (!raw) return null;
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new FieldmarkError(
      'InvalidArgument',
      `proxy setting: expected a URL such as http://proxy:3128, received "${raw}"`,
    );
  }
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'Proxy-Authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

export interface RequestOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), e.g. a corporate TLS-inspecting proxy's. */
  ca?: string;
}

/** Opens a CONNECT tunnel through `proxy` to `url`'s host and port. */
function openTunnel(url: URL, proxy: URL, options: RequestOptions): Promise<Socket> {
  const target = `${url.hostname}:${url.port || 443}`;
  const client = proxy.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { Host: target, ...proxyAuthorization(proxy) },
      timeout: options.timeoutMs,
    });
    request.once('connect', (response, socket) => {
      if (response.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(
          new FieldmarkError(
            'DownloadFailed',
            `proxy ${proxy.host} refused the tunnel to ${target}: HTTP ${response.statusCode}`,
          ),
        );
      }
    });
    request.once('timeout', () =>
      request.destroy(new Error(`proxy ${proxy.host} did not answer within ${options.timeoutMs} ms`)),
    );
    request.once('error', reject);
    request.end();
  });
}

/** Sends a GET for `url` (through a proxy when the environment says so) and resolves with the response. */
export async function httpGet(
  url: URL,
  env: NodeJS.ProcessEnv,
  options: RequestOptions,
): Promise<{ request: http.ClientRequest; response: http.IncomingMessage; proxied: boolean }> {
  const proxy = proxyFor(url, env);
  const common = { headers: options.headers, timeout: options.timeoutMs };
  let request: http.ClientRequest;
  if (!proxy) {
    request =
      url.protocol === 'https:'
        ? https.request(url, { ...common, ...(options.ca ? { ca: options.ca } : {}) })
        : http.request(url, common);
  } else if (url.protocol === 'https:') {
    const socket = await openTunnel(url, proxy, options);
    // No `agent`: with one (even `agent: false`) Node would open its own connection and ignore createConnection.
    request = https.request(url, {
      ...common,
      // SNI carries host names only (RFC 6066), never IP addresses.
      createConnection: () =>
        tls.connect({
          socket,
          ...(isIP(url.hostname) ? {} : { servername: url.hostname }),
          ...(options.ca ? { ca: options.ca } : {}),
        }),
    });
  } else {
    request = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      path: url.href,
      ...common,
      headers: { ...options.headers, Host: url.host, ...proxyAuthorization(proxy) },
    });
  }
  return new Promise((resolve, reject) => {
    request.once('response', (response) => resolve({ request, response, proxied: proxy !== null }));
    request.once('timeout', () =>
      request.destroy(
        Object.assign(new Error(`no answer from ${url.host} within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      ),
    );
    request.once('error', reject);
    request.end();
  });
}
