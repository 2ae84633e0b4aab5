/**
 * Where the app keeps its own files (settings, thumbnail cache) when it is not running inside
 * Electron (which gives `app.getPath('userData')`): `serve` and the tests. FIELDMARK_USER_DATA and
 * FIELDMARK_CACHE_DIR override, so tests run in temporary folders.
 */
import { platformDir } from './platform-dirs.js';

export interface AppPaths {
  /** Settings, recent libraries, window state. */
  userDataDir: string;
  /** Thumbnails and previews: safe to delete at any time. */
  cacheDir: string;
}

export function resolveAppPaths(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): AppPaths {
  const userDataDir = env.FIELDMARK_USER_DATA || platformDir('config', env, platform);
  const cacheDir = env.FIELDMARK_CACHE_DIR || platformDir('cache', env, platform);
  return { userDataDir, cacheDir };
}
