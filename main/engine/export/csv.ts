/**
 * CSV output (RFC 4180): fields with a comma, quote, CR or LF are quoted and quotes doubled;
 * records end with CRLF; UTF-8; text cells that a spreadsheet would run as a formula are
 * neutralised. The parser (csv-parse.ts) reads it back, and what spreadsheets write. The predictions export has a fixed leading header that other
 * tools rely on; more columns may follow it.
 */
import type { ClassProbability } from '../inference/postprocess.js';

export const PREDICTIONS_CSV_HEADER = [
  'path',
  'label',
  'label_source',
  'prediction',
  'prediction_index',
  'confidence',
  'top_k',
  'model',
] as const;

// A spreadsheet runs a cell that begins with one of these as a formula (CSV injection, OWASP).
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * A text cell made inert for spreadsheets: a cell that begins with `=`, `+`, `-`, `@`, tab or CR
 * gets a leading `'` (and so does one that already begins with quotes before such a character,
 * so that `restoreCsvCell` is its exact inverse). Numbers are written as they are.
 */
export function neutralizeCsvCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of neutralizeCsvCell, for reading back a CSV Fieldmark wrote. */
export function restoreCsvCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text) ? text.slice(1) : text;
}

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : neutralizeCsvCell(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRecord(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** `12:0.9132;7:0.0411`: index:probability pairs, highest first, 4 decimals. */
export function formatTopK(topk: readonly ClassProbability[]): string {
  return topk.map((entry) => `${entry.index}:${entry.prob.toFixed(4)}`).join(';');
}

export interface PredictionCsvRow {
  relPath: string;
  label: string | null;
  labelSource: string | null;
  topk: ClassProbability[];
}

/** One CSV record for a classified image; the class name comes from the model's own list. */
export function predictionCsvRecord(row: PredictionCsvRow, classNames: readonly string[], modelId: string): string {
  const best = row.topk[0];
  const name = best ? (classNames[best.index] ?? `class ${best.index}`) : '';
  return csvRecord([
    row.relPath,
    row.label,
    row.labelSource,
    name,
    best?.index,
    best ? best.prob.toFixed(4) : '',
    formatTopK(row.topk),
    modelId,
  ]);
}

export { parseCsv } from './csv-parse.js';
