/**
 * Where downloaded checkpoints and converted models are kept: `<cache>/models/` with `<cache>`
 * the app's cache folder (`$XDG_CACHE_HOME/fieldmark`, `~/Library/Caches/Fieldmark`,
 * `%LOCALAPPDATA%\Fieldmark\Cache`), or FIELDMARK_CACHE_DIR when set (tests use a temp dir).
 */
import { join } from 'node:path';
import { resolveAppPaths } from '../../util/app-paths.js';

export function modelsCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  return join(resolveAppPaths(env, platform).cacheDir, 'models');
}

/** The converted model of a registry entry. */
export function installedModelPath(cacheDir: string, id: string): string {
  return join(cacheDir, `${id}.onnx`);
}

/** A downloaded checkpoint, kept (verified) so conversion can be redone without downloading. */
export function checkpointCachePath(cacheDir: string, fileName: string): string {
  return join(cacheDir, 'checkpoints', fileName);
}
