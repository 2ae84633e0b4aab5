/**
 * The built renderer (dist/renderer) as a fixed set of files read once at start: requests can
 * only name files that were in that folder, so no path from the URL ever reaches the file system.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { FieldmarkError } from '../util/errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  bytes: Buffer;
  contentType: string;
}

/** @throws FieldmarkError NotFound when the folder has no index.html (the renderer is not built) */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else
        files.set(`/${prefix}${name}`, {
          bytes: readFileSync(full),
          contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
        });
    }
  };
  try {
    walk(dir, '');
  } catch (error) {
    throw new FieldmarkError(
      'NotFound',
      `renderer folder ${dir} cannot be read (${(error as Error).message}): run "npm run build" first`,
    );
  }
  if (!files.has('/index.html'))
    throw new FieldmarkError(
      'NotFound',
      `renderer folder ${dir}: expected index.html, found ${files.size} other files: run "npm run build" first`,
    );
  return files;
}
