/** Argument checks for the catalog API, worded "expected X but received Y". */
import { FieldmarkError, describeValue } from '../../util/errors.js';

function invalid(name: string, expected: string, value: unknown): FieldmarkError {
  return new FieldmarkError('InvalidArgument', `${name}: expected ${expected} but received ${describeValue(value)}`);
}

/** A row id: a positive safe integer. */
export function checkId(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw invalid(name, 'a positive integer id', value);
  return value;
}

export function checkInteger(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(name, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(name, `a number from ${min} to ${max}`, value);
  }
  return value;
}

export function checkString(name: string, value: unknown, maxLength = 4096): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalid(name, `a non-empty string of at most ${maxLength} characters`, value);
  }
  return value;
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw invalid(name, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
  return found;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
export function checkSha256(name: string, value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value))
    throw invalid(name, 'a sha256 of 64 lowercase hex digits', value);
  return value;
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;
/**
 * Dates are stored as ISO 8601 text so that they sort as text; EXIF's `YYYY:MM:DD HH:MM:SS`
 * is converted, anything else is kept as given.
 */
export function normalizeTakenAt(value: string | null): string | null {
  if (value === null) return null;
  const exif = EXIF_DATE.exec(value.trim());
  if (exif !== null) return `${exif[1]}-${exif[2]}-${exif[3]}T${exif[4]}`;
  return value.trim() === '' ? null : value.trim();
}
