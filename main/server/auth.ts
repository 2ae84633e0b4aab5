/**
 * Who may talk to `serve`: only a client that presents the random token (query `token=`, the
 * cookie the first page load sets, or `Authorization: Bearer`), reaches us under our own host
 * name (so a DNS-rebinding page cannot), and, for WebSockets, comes from our own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookie names carry the port: cookies ignore ports, and two servers may run side by side. */
export function tokenCookieName(port: number): string {
  return `fieldmark_token_${port}`;
}

export type AuthOutcome = { ok: true; fromQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export function presentedToken(request: IncomingMessage, port: number): { token: string | null; fromQuery: boolean } {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const query = url.searchParams.get('token');
  if (query) return { token: query, fromQuery: true };
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice('Bearer '.length).trim(), fromQuery: false };
  const cookie = parseCookies(request.headers.cookie ?? '')[tokenCookieName(port)];
  return { token: cookie ?? null, fromQuery: false };
}

export function tokensEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The host names we answer to: the loopback address we bind and its usual name. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function checkRequest(request: IncomingMessage, expectedToken: string, port: number): AuthOutcome {
  const host = request.headers.host ?? '';
  if (!allowedHosts(port).includes(host))
    return {
      ok: false,
      status: 403,
      reason: `host: expected one of ${allowedHosts(port).join(', ')}, received "${host}"`,
    };
  const { token, fromQuery } = presentedToken(request, port);
  if (token === null)
    return {
      ok: false,
      status: 401,
      reason: 'token required: expected ?token=… from the URL that fieldmark serve printed',
    };
  if (!tokensEqual(expectedToken, token))
    return { ok: false, status: 403, reason: 'token: the token does not match this server' };
  return { ok: true, fromQuery };
}

/** A WebSocket upgrade must also come from a page served by us. */
export function checkOrigin(request: IncomingMessage, port: number): AuthOutcome {
  const origin = request.headers.origin;
  const allowed = allowedHosts(port).map((host) => `http://${host}`);
  if (origin === undefined || !allowed.includes(origin)) {
    return {
      ok: false,
      status: 403,
      reason: `origin: expected one of ${allowed.join(', ')}, received ${origin === undefined ? 'none' : `"${origin}"`}`,
    };
  }
  return { ok: true, fromQuery: false };
}

export function parseCookies(header: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {}
  }
  return cookies;
}
