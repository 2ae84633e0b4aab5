/**
 * Notices when the library's model file goes away (or comes back) while the app runs, so the
 * user sees a banner with the fix instead of a library that silently stops updating. Polls the
 * one file (fs.watchFile): cheap, and works on network drives where inotify does not.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';

const POLL_MS = 500;

export class ModelWatch {
  private path: string | null = null;
  private readonly listener = (current: Stats, previous: Stats) => {
    const gone = current.mtimeMs === 0 && current.size === 0 && current.nlink === 0;
    const wasGone = previous.mtimeMs === 0 && previous.size === 0 && previous.nlink === 0;
    if (gone !== wasGone && this.path) this.onChange(this.path, gone);
  };

  constructor(private readonly onChange: (path: string, gone: boolean) => void) {}

  /** Watches `path` (null: nothing). */
  watch(path: string | null): void {
    if (path === this.path) return;
    this.stop();
    this.path = path;
    if (path) watchFile(path, { interval: POLL_MS, persistent: false }, this.listener);
  }

  stop(): void {
    if (this.path) unwatchFile(this.path, this.listener);
    this.path = null;
  }
}
