/**
 * Where the app keeps its own files (settings, thumbnail cache) when it is not running inside
 * Electron (which gives `app.getPath('userData')`): `serve` and the tests. FIELDMARK_USER_DATA and
 * FIELDMARK_CACHE_DIR override, so tests run in temporary folders.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface AppPaths {
  /** Settings, recent libraries, window state. */
  userDataDir: string;
  /** Thumbnails and previews: safe to delete at any time. */
  cacheDir: string;
}

export function resolveAppPaths(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): AppPaths {
  const home = env.HOME ?? homedir();
  const userDataDir = env.FIELDMARK_USER_DATA ?? defaultUserDataDir(env, home, platform);
  const cacheDir = env.FIELDMARK_CACHE_DIR ?? defaultCacheDir(env, home, platform);
  return { userDataDir, cacheDir };
}

function defaultUserDataDir(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Fieldmark');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Fieldmark');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'fieldmark');
}

function defaultCacheDir(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'Fieldmark', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'Fieldmark');
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'fieldmark');
}
