/** Option parsing shared by `similar` and `duplicates`. */
import { UsageError } from './args.js';

/** A number in [0, 1] (a cosine similarity threshold). @throws UsageError */
export function unitOption(name: string, raw: string | boolean): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new UsageError(`--${name}: expected a number from 0 to 1, received "${String(raw)}"`);
  return value;
}
