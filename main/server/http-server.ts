/**
 * The HTTP + WebSocket server of `fieldmark serve`: the built renderer, thumbnails and previews
 * of catalogued images (by image id only, never by path), and the contract over a WebSocket.
 * Binds 127.0.0.1 only; every request needs the token (see auth.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AppService } from '../app/app-service.js';
import { RENDITION_ROUTES, type RenditionKind } from '../app/image-renditions.js';
import { WIRE_PATH } from '../contract/wire.js';
import { toErrorData, type ErrorKind } from '../util/errors.js';
import { checkOrigin, checkRequest, createToken, tokenCookieName } from './auth.js';
import { loadStaticFiles } from './static-files.js';
import { bindWebSocket } from './ws-transport.js';

export interface ServerOptions {
  service: Pick<AppService, 'handlers' | 'onEvent' | 'rendition'>;
  /** The built renderer folder (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
  log: (message: string) => void;
}

export interface RunningServer {
  port: number;
  token: string;
  /** The URL to open: http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const IMAGE_ROUTE = /^\/(thumb|image|full)\/(\d{1,15})$/;
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://${HOST}:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** @throws FieldmarkError NotFound when the renderer is not built */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const files = loadStaticFiles(options.rendererDir);
  const token = options.token ?? createToken();
  let port = 0;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  sockets.on('connection', (socket) => bindWebSocket(socket, options.service, options.log));

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      options.log(`fieldmark serve: ${request.method} ${request.url}: ${toErrorData(error).message}`);
      if (!response.headersSent) sendText(response, 500, 'internal error');
      else response.destroy();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const auth = checkRequest(request, token, port);
    if (!auth.ok) return sendText(response, auth.status, auth.reason);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendText(response, 405, `method: expected GET, received ${request.method}`);
    const url = new URL(request.url ?? '/', `http://${HOST}:${port}`);
    if (auth.fromQuery) {
      // Trade the token in the URL for a cookie, then drop it from the address bar and history.
      response.setHeader(
        'Set-Cookie',
        `${tokenCookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      );
      if (url.pathname === '/') {
        response.writeHead(303, { Location: '/', 'Cache-Control': 'no-store' });
        response.end();
        return;
      }
    }
    const image = IMAGE_ROUTE.exec(url.pathname);
    if (image) return sendImage(response, RENDITION_ROUTES[image[1] ?? ''] ?? 'preview', Number(image[2]));
    const file = files.get(url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return sendText(response, 404, `not found: ${url.pathname}`);
    response.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.bytes.length,
      'Cache-Control': 'no-store',
      ...securityHeaders(port),
    });
    response.end(request.method === 'HEAD' ? undefined : file.bytes);
  }

  async function sendImage(response: ServerResponse, kind: RenditionKind, id: number): Promise<void> {
    try {
      const rendition = await options.service.rendition(id, kind);
      response.writeHead(200, {
        'Content-Type': rendition.contentType,
        'Content-Length': rendition.bytes.length,
        'Cache-Control': 'private, max-age=300',
        ...securityHeaders(port),
      });
      response.end(rendition.bytes);
    } catch (error) {
      const data = toErrorData(error);
      sendText(response, statusForKind(data.kind), `${data.kind}: ${data.message}`);
    }
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own error listener from an upgrade's socket: without this one, a client that
    // resets the connection while we refuse it raises an unhandled 'error' and ends the process.
    const onSocketError = (error: Error) => options.log(`fieldmark serve: websocket upgrade: ${error.message}`);
    socket.on('error', onSocketError);
    const refuse = (status: number, reason: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Forbidden'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
      );
    };
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', `http://${HOST}`).pathname;
    } catch {
      // A request target such as "//[" is no URL; a throw here would escape the event handler.
      return refuse(
        400,
        `websocket url: expected a path such as ${WIRE_PATH}, received ${JSON.stringify(request.url)}`,
      );
    }
    const auth = checkRequest(request, token, port);
    if (!auth.ok) return refuse(auth.status, auth.reason);
    const origin = checkOrigin(request, port);
    if (!origin.ok) return refuse(origin.status, origin.reason);
    if (pathname !== WIRE_PATH) return refuse(404, `websocket path: expected ${WIRE_PATH}`);
    socket.off('error', onSocketError); // ws installs its own from here on
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}/?token=${token}`;
  return {
    port,
    token,
    url,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(`${text}\n`);
}

function statusForKind(kind: ErrorKind): number {
  if (kind === 'NotFound') return 404;
  if (kind === 'InvalidArgument') return 400;
  if (kind === 'DecodeFailed' || kind === 'NotAnImage' || kind === 'EmptyFile' || kind === 'UnsupportedFormat')
    return 415;
  return 500;
}
