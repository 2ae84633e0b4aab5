/**
 * Argument parsing for CLI commands: node:util parseArgs plus typed validation of each value.
 * Bad arguments throw UsageError, which the CLI turns into exit code 2 and a message that says
 * what was expected and what was received.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses `args` against `options`; unknown options and missing values become UsageError. */
export function parseCommandArgs(command: string, args: string[], options: OptionSpec): ParsedArgs {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${message}`);
  }
}

/** An integer option within [min, max], or the default when absent. */
export function intOption(
  name: string,
  raw: string | boolean | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, received "${String(raw)}"`);
  }
  return value;
}

/** A string option restricted to `choices`, or the default when absent. */
export function choiceOption<T extends string>(
  name: string,
  raw: string | boolean | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (raw === undefined) return fallback;
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`--${name}: expected one of ${choices.join('|')}, received "${String(raw)}"`);
}

/** A required string option. */
export function requiredString(name: string, raw: string | boolean | undefined): string {
  if (typeof raw === 'string' && raw.length > 0) return raw;
  throw new UsageError(`--${name} is required: expected a value, received nothing`);
}

/** An optional string option. */
export function optionalString(raw: string | boolean | undefined): string | undefined {
  return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}

/** Exactly `count` positionals, named in the message when missing or extra. */
export function expectPositionals(command: string, positionals: string[], names: string[]): string[] {
  if (positionals.length !== names.length) {
    const expected = names.map((n) => `<${n}>`).join(' ') || 'no positional arguments';
    throw new UsageError(
      `${command}: expected ${expected}, received ${positionals.length} (${positionals.join(' ') || 'none'})`,
    );
  }
  return positionals;
}

/**
 * The folder and openLibrary options named on the command line, both paths taken relative to the
 * command's folder. @throws UsageError (exit 2) when the folder does not exist or is a file.
 */
export function libraryArguments(
  folder: string,
  db: string | boolean | undefined,
  context: { cwd: string; env: NodeJS.ProcessEnv },
) {
  const dbPath = optionalString(db);
  const absolute = resolve(context.cwd, folder);
  // A missing folder is a mistyped argument; an existing but empty one (an unmounted drive's
  // mount point) is the scanner's to judge (LibraryUnavailable).
  if (!existsSync(absolute))
    throw new UsageError(`<folder>: expected an existing folder of photos, received "${folder}" (it does not exist)`);
  if (!statSync(absolute).isDirectory())
    throw new UsageError(`<folder>: expected a folder of photos, received a file: "${folder}"`);
  return {
    folder: absolute,
    options: { ...(dbPath ? { dbPath: resolve(context.cwd, dbPath) } : {}), env: context.env },
  };
}
