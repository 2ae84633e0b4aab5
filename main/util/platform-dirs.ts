/**
 * The per-user folders Fieldmark uses, by each platform's convention: XDG on Linux,
 * ~/Library on macOS, %APPDATA% / %LOCALAPPDATA% on Windows. One place, so the catalogs, the
 * settings and the caches agree. Empty variables count as unset; relative XDG values are ignored,
 * as the XDG spec requires.
 */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export type PlatformDirKind = 'config' | 'data' | 'cache';

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value !== undefined && value !== '' ? value : undefined;
}

/** The Fieldmark folder of `kind` for the current user (before any FIELDMARK_* override). */
export function platformDir(kind: PlatformDirKind, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = setting(env, 'HOME') ?? homedir();
  if (platform === 'win32') {
    if (kind === 'cache')
      return win32.join(
        setting(env, 'LOCALAPPDATA') ?? win32.join(homedir(), 'AppData', 'Local'),
        'Fieldmark',
        'Cache',
      );
    return win32.join(setting(env, 'APPDATA') ?? win32.join(homedir(), 'AppData', 'Roaming'), 'Fieldmark');
  }
  const { join } = posix;
  if (platform === 'darwin') {
    return kind === 'cache'
      ? join(home, 'Library', 'Caches', 'Fieldmark')
      : join(home, 'Library', 'Application Support', 'Fieldmark');
  }
  const [variable, fallback] = {
    config: ['XDG_CONFIG_HOME', join(home, '.config')],
    data: ['XDG_DATA_HOME', join(home, '.local', 'share')],
    cache: ['XDG_CACHE_HOME', join(home, '.cache')],
  }[kind];
  const xdg = setting(env, variable!);
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : fallback!, 'fieldmark');
}
