/** Checks of label values at the engine boundary, worded "expected X but received Y". */
import { FieldmarkError, describeValue } from '../../util/errors.js';
import { LABEL_RANKS, LABEL_SOURCES } from './types.js';
import type { LabelRank, LabelSource } from './types.js';

/** The longest label kept; longer ones are surely a pasted paragraph, not a category. */
export const MAX_LABEL_LENGTH = 500;

function invalid(name: string, expected: string, value: unknown): FieldmarkError {
  return new FieldmarkError('InvalidArgument', `${name}: expected ${expected} but received ${describeValue(value)}`);
}

/** A label name, trimmed (inner spaces kept). @throws FieldmarkError InvalidArgument for empty or too long text */
export function checkLabelText(name: string, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : value;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_LABEL_LENGTH) {
    throw invalid(name, `a non-empty label of at most ${MAX_LABEL_LENGTH} characters`, value);
  }
  return text;
}

export function checkRank(name: string, value: unknown): LabelRank {
  const found = LABEL_RANKS.find((rank) => rank === value);
  if (found === undefined) throw invalid(name, `one of ${LABEL_RANKS.join(', ')}`, value);
  return found;
}

export function checkSource(name: string, value: unknown): LabelSource {
  const found = LABEL_SOURCES.find((source) => source === value);
  if (found === undefined) throw invalid(name, `one of ${LABEL_SOURCES.join(', ')}`, value);
  return found;
}

export function checkImageId(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw invalid(name, 'a positive integer image id', value);
  return value;
}

export function checkScore(name: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'a finite number or null', value);
  return value;
}
