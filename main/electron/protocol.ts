/**
 * The `fieldmark://app/` protocol: the built renderer, and thumbnails and previews of images in
 * the open library's catalog, addressed by image id (`thumb/<id>`, `image/<id>`, `full/<id>`) so the renderer
 * can never name an arbitrary file. Everything the window loads comes from here.
 */
import { protocol } from 'electron';
import type { AppService } from '../app/app-service.js';
import { RENDITION_ROUTES } from '../app/image-renditions.js';
import { loadStaticFiles } from '../server/static-files.js';
import { toErrorData } from '../util/errors.js';

export const APP_SCHEME = 'fieldmark';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const IMAGE_ROUTE = /^\/(thumb|image|full)\/(\d{1,15})$/;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

export function handleAppProtocol(
  service: Pick<AppService, 'rendition'>,
  rendererDir: string,
  log: (message: string) => void,
): void {
  const files = loadStaticFiles(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app' || request.method !== 'GET') return text(404, `not found: ${request.url}`);
    const image = IMAGE_ROUTE.exec(url.pathname);
    if (image) {
      try {
        const rendition = await service.rendition(Number(image[2]), RENDITION_ROUTES[image[1] ?? ''] ?? 'preview');
        return new Response(new Uint8Array(rendition.bytes), {
          status: 200,
          headers: { 'Content-Type': rendition.contentType, 'Cache-Control': 'private, max-age=300' },
        });
      } catch (error) {
        const data = toErrorData(error);
        if (data.kind !== 'DecodeFailed' && data.kind !== 'NotFound')
          log(`fieldmark: ${url.pathname}: ${data.kind}: ${data.message}`);
        return text(data.kind === 'NotFound' ? 404 : 415, `${data.kind}: ${data.message}`);
      }
    }
    const file = files.get(url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) return text(404, `not found: ${url.pathname}`);
    return new Response(new Uint8Array(file.bytes), {
      status: 200,
      headers: {
        'Content-Type': file.contentType,
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
