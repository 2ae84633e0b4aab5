/**
 * The desktop app's command line: `fieldmark-app [folder] [--open folder] [--model M]
 * [--device d] [--batch n] [--threads n]`. Pure, so it is tested without Electron. Unknown
 * switches are ignored (Chromium adds its own), bad values are reported, not fatal.
 */
import { parseArgs } from 'node:util';
import type { Settings } from '../contract/types.js';

export interface LaunchArgs {
  open: string | null;
  overrides: Partial<Settings>;
  problems: string[];
}

export function parseLaunchArgs(argv: string[]): LaunchArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      open: { type: 'string' },
      model: { type: 'string' },
      device: { type: 'string' },
      batch: { type: 'string' },
      threads: { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  });
  const problems: string[] = [];
  const overrides: Partial<Settings> = {};
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const model = text(values.model);
  if (model) overrides.modelId = model;
  const device = text(values.device);
  if (device !== undefined) {
    if (device === 'auto' || device === 'cpu' || device === 'gpu') overrides.device = device;
    else problems.push(`--device: expected auto|cpu|gpu, received "${device}"`);
  }
  const integer = (name: 'batch' | 'threads', min: number, max: number): number | undefined => {
    const raw = text(values[name]);
    if (raw === undefined) return undefined;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`--${name}: expected an integer from ${min} to ${max}, received "${raw}"`);
    return undefined;
  };
  const batch = integer('batch', 1, 256);
  if (batch !== undefined) overrides.batchSize = batch;
  const threads = integer('threads', 1, 256);
  if (threads !== undefined) overrides.threads = threads;
  // The first positional that is not a script path (dev runs pass the main .js file) is a folder.
  const folder = text(values.open) ?? positionals.find((arg) => !arg.endsWith('.js') && !arg.startsWith('-')) ?? null;
  return { open: folder, overrides, problems };
}
