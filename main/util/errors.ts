/**
 * The closed set of error kinds that cross process boundaries (IPC, WebSocket, CLI --json).
 * Electron keeps only the message of a thrown Error, so errors travel as `{ kind, message }` data.
 */
export const ERROR_KINDS = [
  'InvalidArgument',
  'NotFound',
  'ReadFailed',
  'EmptyFile',
  'NotAnImage',
  'UnsupportedFormat',
  'DecodeFailed',
  'ImageTooLarge',
  'ModelMissing',
  'ModelInvalid',
  'CheckpointInvalid',
  'UnsafeCheckpoint',
  'DownloadFailed',
  'Offline',
  'ChecksumMismatch',
  'CatalogCorrupt',
  'InferenceFailed',
  'Cancelled',
  'Internal',
  // Catalog faults (issue 12): each names the file and what to do.
  'CatalogReadOnly',
  'CatalogLocked',
  'DiskFull',
  'WriteFailed',
  'LibraryUnavailable',
  'Timeout',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorData {
  kind: ErrorKind;
  message: string;
}

/** An error with a kind from the closed set; what every engine module throws on purpose. */
export class FieldmarkError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FieldmarkError';
    this.kind = kind;
  }
}

/** Converts anything thrown into `{ kind, message }`; unknown errors become `Internal`. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof FieldmarkError) return { kind: error.kind, message: error.message };
  if (error instanceof Error) return { kind: 'Internal', message: error.message };
  return { kind: 'Internal', message: String(error) };
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/** For exhaustive switches over unions: the compiler proves this is never reached. */
export function unreachable(value: never): never {
  throw new FieldmarkError('Internal', `unreachable case reached with ${JSON.stringify(value)}`);
}

/** Describes a received value for "expected X but received Y" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 80 ? `${value.slice(0, 77)}...` : value}" (string)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} (${typeof value})`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a value of type ${typeof value}`;
}
