/**
 * Typed access to rows as better-sqlite3 returns them (`unknown`): every column is checked
 * once, here at the edge, so nothing untyped leaks into the rest of the engine.
 */
import { FieldmarkError, describeValue } from '../../util/errors.js';
import { IMAGE_STATUSES, LABEL_RANKS, LABEL_SOURCES } from './types.js';
import type { ImageStatus, LabelRank, LabelSource, TopKEntry } from './types.js';

export type Row = Readonly<Record<string, unknown>>;

function corrupt(what: string, expected: string, value: unknown): FieldmarkError {
  return new FieldmarkError(
    'CatalogCorrupt',
    `catalog column ${what}: expected ${expected} but received ${describeValue(value)}`,
  );
}

/** Narrows a value from `.get()`/`.all()` to a row; `context` names the query in errors. */
export function asRow(value: unknown, context: string): Row {
  if (typeof value !== 'object' || value === null) throw corrupt(context, 'a row', value);
  return value as Row;
}

export function asRows(values: unknown[], context: string): Row[] {
  return values.map((value) => asRow(value, context));
}

export function int(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw corrupt(column, 'an integer', value);
  return value;
}

export function optInt(row: Row, column: string): number | null {
  return row[column] === null ? null : int(row, column);
}

export function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw corrupt(column, 'a finite number', value);
  return value;
}

export function optNum(row: Row, column: string): number | null {
  return row[column] === null ? null : num(row, column);
}

export function str(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw corrupt(column, 'a string', value);
  return value;
}

export function optStr(row: Row, column: string): string | null {
  return row[column] === null ? null : str(row, column);
}

export function blob(row: Row, column: string): Buffer {
  const value = row[column];
  if (!Buffer.isBuffer(value)) throw corrupt(column, 'a blob', value);
  return value;
}

export function status(row: Row, column: string): ImageStatus {
  const value = row[column];
  const found = IMAGE_STATUSES.find((s) => s === value);
  if (found === undefined) throw corrupt(column, `one of ${IMAGE_STATUSES.join(', ')}`, value);
  return found;
}

export function labelSource(row: Row, column: string): LabelSource {
  const value = row[column];
  const found = LABEL_SOURCES.find((s) => s === value);
  if (found === undefined) throw corrupt(column, `one of ${LABEL_SOURCES.join(', ')}`, value);
  return found;
}

export function optLabelSource(row: Row, column: string): LabelSource | null {
  return row[column] === null ? null : labelSource(row, column);
}

export function labelRank(row: Row, column: string): LabelRank {
  const value = row[column];
  const found = LABEL_RANKS.find((r) => r === value);
  if (found === undefined) throw corrupt(column, `one of ${LABEL_RANKS.join(', ')}`, value);
  return found;
}

export function optLabelRank(row: Row, column: string): LabelRank | null {
  return row[column] === null || row[column] === undefined ? null : labelRank(row, column);
}

/** The stored margin: top-1 minus top-2 probability (top-1 alone for one class); small = uncertain. */
export function predictionMargin(topk: readonly TopKEntry[]): number {
  return (topk[0]?.prob ?? 0) - (topk[1]?.prob ?? 0);
}

/** Top-k is stored as JSON `[[index, prob], ...]`, highest probability first. */
export function encodeTopK(topk: readonly TopKEntry[]): string {
  return JSON.stringify(topk.map((entry) => [entry.index, entry.prob]));
}

export function decodeTopK(text: string): TopKEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FieldmarkError(
      'CatalogCorrupt',
      `catalog column predictions.topk: expected JSON but received ${describeValue(text)}`,
      { cause: error },
    );
  }
  if (!Array.isArray(parsed)) throw corrupt('predictions.topk', 'a JSON array', parsed);
  return parsed.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') {
      throw corrupt('predictions.topk', 'pairs [index, prob]', pair);
    }
    return { index: pair[0], prob: pair[1] };
  });
}

export function topKColumn(row: Row, column: string): TopKEntry[] {
  return decodeTopK(str(row, column));
}

/** Feature vectors are stored as little-endian float32 bytes (every supported platform is little-endian). */
export function encodeFeature(feature: Float32Array): Buffer {
  return Buffer.from(feature.buffer, feature.byteOffset, feature.byteLength);
}

/** Copies a stored vector into `target` at element `offset` (blobs need not be 4-byte aligned). */
export function copyFeatureInto(bytes: Buffer, dim: number, target: Float32Array, offset: number): void {
  if (bytes.byteLength !== dim * 4) {
    throw new FieldmarkError(
      'CatalogCorrupt',
      `catalog column features.vector: expected ${dim * 4} bytes (${dim} float32) but received ${bytes.byteLength} bytes`,
    );
  }
  new Uint8Array(target.buffer, target.byteOffset + offset * 4, dim * 4).set(bytes);
}
