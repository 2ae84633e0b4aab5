/** Where catalogs live: one SQLite file per library under the user's data folder. */
import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';
import { platformDir } from '../../util/platform-dirs.js';

/**
 * The Fieldmark data folder: `$FIELDMARK_DATA_DIR` when set (tests point it at temp folders),
 * else the platform's convention (XDG on Linux, Application Support on macOS, %APPDATA% on Windows).
 */
export function fieldmarkDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const override = env['FIELDMARK_DATA_DIR'];
  if (override !== undefined && override !== '') return override;
  return platformDir('data', env, platform);
}

/** A file-name-safe version of a folder name: letters/digits of any script, `-`, `_`, `.`; at most 48 characters. */
export function sanitizeLibraryName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '_')
    .replace(/^[._]+/, '')
    .slice(0, 48);
  return cleaned === '' ? 'library' : cleaned;
}

/**
 * The catalog file of a library: `<data>/libraries/<name>-<16 hex of sha256(real path)>.sqlite`.
 * The hash keeps two folders with the same name apart; the name keeps the file recognisable.
 */
export function defaultCatalogPath(
  libraryRealPath: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const pathApi = platform === 'win32' ? win32 : posix;
  const hash = createHash('sha256').update(libraryRealPath, 'utf8').digest('hex').slice(0, 16);
  const name = sanitizeLibraryName(pathApi.basename(libraryRealPath));
  return pathApi.join(fieldmarkDataDir(env, platform), 'libraries', `${name}-${hash}.sqlite`);
}
