/**
 * The app's settings and recent libraries, kept as one small JSON file in the user-data folder.
 * The file is checked on read (a hand-edited or truncated file falls back to defaults and says
 * so on stderr) and written atomically (temp file + rename) so a crash never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { RecentLibrary, Settings } from '../contract/types.js';

const MAX_RECENT = 10;

const storedSchema = z.object({
  settings: z.object({
    modelId: z.string().min(1).nullable(),
    device: z.enum(['auto', 'cpu', 'gpu']),
    batchSize: z.int().min(1).max(256),
    threads: z.int().min(1).max(256).nullable(),
  }),
  recent: z.array(z.object({ root: z.string().min(1), openedAt: z.string() })).max(MAX_RECENT),
});

type Stored = z.infer<typeof storedSchema>;

export const DEFAULT_SETTINGS: Settings = { modelId: null, device: 'auto', batchSize: 8, threads: null };

export class SettingsStore {
  private state: Stored;
  readonly path: string;

  constructor(
    userDataDir: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {
    this.path = join(userDataDir, 'settings.json');
    this.state = this.read();
  }

  get settings(): Settings {
    return { ...this.state.settings };
  }

  get recent(): RecentLibrary[] {
    return this.state.recent.map((entry) => ({ ...entry }));
  }

  update(patch: Partial<Settings>): Settings {
    const next = { ...this.state.settings };
    if (patch.modelId !== undefined) next.modelId = patch.modelId;
    if (patch.device !== undefined) next.device = patch.device;
    if (patch.batchSize !== undefined) next.batchSize = patch.batchSize;
    if (patch.threads !== undefined) next.threads = patch.threads;
    this.state = { ...this.state, settings: next };
    this.write();
    return this.settings;
  }

  /** Moves `root` to the front of the recent list. */
  rememberLibrary(root: string, now: Date = new Date()): void {
    const recent = [{ root, openedAt: now.toISOString() }, ...this.state.recent.filter((entry) => entry.root !== root)];
    this.state = { ...this.state, recent: recent.slice(0, MAX_RECENT) };
    this.write();
  }

  private read(): Stored {
    const fallback: Stored = { settings: { ...DEFAULT_SETTINGS }, recent: [] };
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.warn(`fieldmark: cannot read settings ${this.path}: ${(error as Error).message}; using defaults`);
      return fallback;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.warn(`fieldmark: settings ${this.path} is not JSON (${(error as Error).message}); using defaults`);
      return fallback;
    }
    const parsed = storedSchema.safeParse(json);
    if (!parsed.success) {
      this.warn(
        `fieldmark: settings ${this.path} has unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'}); using defaults`,
      );
      return fallback;
    }
    return parsed.data;
  }

  private write(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(temp, this.path);
  }
}
