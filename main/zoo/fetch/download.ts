/**
 * Resumable downloads for model checkpoints: data goes to `<destination>.part`; a dropped
 * connection is resumed with an HTTP Range request; the finished file's SHA-256 must start with
 * the registry's prefix before it is renamed into place. Offline, it fails at once with a hint.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FieldmarkError } from '../../util/errors.js';
import { httpGet } from './http-proxy.js';

export interface DownloadRequest {
  url: string;
  destination: string;
  /** Leading hex digits the file's SHA-256 must have (OpenMMLab names files with 8 of them). */
  sha256Prefix?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (received: number, total: number | null) => void;
  /** Connection attempts in all (each resumes where the previous stopped). */
  maxAttempts?: number;
  /** Give up on a connection that stays silent this long. */
  timeoutMs?: number;
  /** Appended to offline errors: what the user can do instead. */
  offlineHint?: string;
  ca?: string;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Connection attempts used (1 when nothing was dropped). */
  attempts: number;
}

/** Network errors that mean "no route to the server" rather than a transfer that broke. */
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN']);
const MAX_REDIRECTS = 5;

/** TLS verification failures: retrying cannot help, the user must fix trust (e.g. a proxy's CA). */
function isCertificateError(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

class RetryableError extends Error {}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

interface AttemptContext {
  request: DownloadRequest;
  part: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** One connection: appends to the .part file from its current size. Resolves when the body ends complete. */
async function attemptOnce(context: AttemptContext, url: URL, redirects = 0): Promise<void> {
  const { request, part } = context;
  const offset = await fileSize(part);
  const headers: Record<string, string> = { 'User-Agent': 'fieldmark/0.1', 'Accept-Encoding': 'identity' };
  if (offset > 0) headers.Range = `bytes=${offset}-`;
  const { request: clientRequest, response } = await httpGet(url, context.env, {
    headers,
    timeoutMs: context.timeoutMs,
    ...(request.ca ? { ca: request.ca } : {}),
  });
  const abort = () => clientRequest.destroy(new FieldmarkError('Cancelled', `download of ${request.url} cancelled`));
  request.signal?.addEventListener('abort', abort, { once: true });
  try {
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects >= MAX_REDIRECTS)
        throw new FieldmarkError('DownloadFailed', `${request.url}: more than ${MAX_REDIRECTS} redirects`);
      return attemptOnce(context, new URL(response.headers.location, url), redirects + 1);
    }
    if (status === 416 && offset > 0) {
      // Nothing left to send: the .part file is already whole (the hash check decides).
      response.resume();
      return;
    }
    if (status !== 200 && status !== 206) {
      response.resume();
      const error = new FieldmarkError(
        'DownloadFailed',
        `${url.href}: the server answered HTTP ${status}, expected 200 or 206`,
      );
      if (status >= 500) throw new RetryableError(error.message);
      throw error;
    }
    let start = 0;
    if (status === 206) {
      const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
      start = match ? Number(match[1]) : -1;
      if (start !== offset)
        throw new FieldmarkError(
          'DownloadFailed',
          `${url.href}: asked for bytes from ${offset}, the server sent from ${start}`,
        );
    } else if (offset > 0) {
      await truncate(part, 0); // The server ignored the Range header: start over.
    }
    const length = Number(response.headers['content-length'] ?? Number.NaN);
    const total = Number.isFinite(length) ? start + length : null;
    let received = start;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.byteLength;
        request.onProgress?.(received, total);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(response, counter, createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }));
    } catch (error) {
      if (error instanceof FieldmarkError) throw error;
      throw new RetryableError(
        `connection to ${url.host} dropped after ${received} bytes: ${(error as Error).message}`,
      );
    }
    if (total !== null && received < total)
      throw new RetryableError(`connection to ${url.host} closed after ${received} of ${total} bytes`);
  } finally {
    request.signal?.removeEventListener('abort', abort);
  }
}

function offlineError(request: DownloadRequest, error: NodeJS.ErrnoException): FieldmarkError {
  const host = new URL(request.url).host;
  const hint = request.offlineHint ? ` ${request.offlineHint}` : '';
  return new FieldmarkError('Offline', `cannot reach ${host} (${error.code}): no network connection?${hint}`, {
    cause: error,
  });
}

/**
 * Downloads `url` to `destination`, resuming dropped transfers, verifying the SHA-256 prefix.
 * @throws FieldmarkError Offline, DownloadFailed, ChecksumMismatch or Cancelled.
 */
export async function downloadFile(request: DownloadRequest): Promise<DownloadResult> {
  const env = request.env ?? process.env;
  const part = `${request.destination}.part`;
  const maxAttempts = request.maxAttempts ?? 5;
  await mkdir(dirname(request.destination), { recursive: true });
  const context: AttemptContext = { request, part, env, timeoutMs: request.timeoutMs ?? 30_000 };
  let attempts = 0;
  for (;;) {
    attempts += 1;
    if (request.signal?.aborted) throw new FieldmarkError('Cancelled', `download of ${request.url} cancelled`);
    try {
      await attemptOnce(context, new URL(request.url));
      break;
    } catch (error) {
      if (error instanceof FieldmarkError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code && OFFLINE_CODES.has(code) && (attempts === 1 || code !== 'ECONNREFUSED'))
        throw offlineError(request, error as NodeJS.ErrnoException);
      if (isCertificateError(code)) {
        throw new FieldmarkError(
          'DownloadFailed',
          `${request.url}: the server's TLS certificate is not trusted (${code}); behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at its CA certificate`,
          { cause: error },
        );
      }
      if (attempts >= maxAttempts) {
        throw new FieldmarkError(
          'DownloadFailed',
          `${request.url}: gave up after ${attempts} attempts: ${(error as Error).message}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempts)));
    }
  }
  const sha256 = await sha256File(part);
  if (request.sha256Prefix && !sha256.startsWith(request.sha256Prefix.toLowerCase())) {
    await rm(part, { force: true });
    throw new FieldmarkError(
      'ChecksumMismatch',
      `${request.url}: the file's SHA-256 is ${sha256}, expected it to start with ${request.sha256Prefix}; the download was deleted`,
    );
  }
  await rename(part, request.destination);
  return { path: request.destination, bytes: await fileSize(request.destination), sha256, attempts };
}
