/**
 * Writing a file so that readers see the old content or the new, never half of it: a temporary
 * file in the same folder (same file system, so the rename is atomic), fsynced, then renamed over
 * the target; on failure the temporary file is removed and the target is left as it was.
 */
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A fresh temporary name beside `path` (hidden, so a folder scan skips it). */
export function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Streams `chunks` into `path` atomically. @throws the write's error, after removing the temporary file */
export async function writeChunksAtomic(
  path: string,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<void> {
  const temp = temporarySibling(path);
  try {
    await pipeline(Readable.from(chunks), createWriteStream(temp, { flags: 'wx' }));
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
