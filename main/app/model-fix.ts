/**
 * Words a model problem the same way everywhere (CLI stderr, the app's banner): which model, what
 * is wrong with it, and the command or action that fixes it. One rule for every front end.
 */
import type { ErrorKind } from '../util/errors.js';

/** The model error kinds that stop classify/serve before any work (exit 2) and raise the app's banner. */
export const MODEL_ERROR_KINDS: readonly ErrorKind[] = [
  'ModelMissing',
  'ModelInvalid',
  'ReadFailed',
  'InvalidArgument',
];

export type ModelFix = 'download' | 'import' | 'choose-file';

/** Which fix applies to a model problem: a registry id not installed downloads; a broken file is replaced. */
export function modelFixFor(kind: ErrorKind, message: string): ModelFix {
  if (kind === 'ModelMissing' && message.includes('models download')) return 'download';
  if (kind === 'ModelInvalid' || kind === 'ReadFailed') return 'import';
  return 'choose-file';
}

/** The message for a model that cannot be used: names it and the fix. */
export function describeModelProblem(model: string, kind: ErrorKind, message: string): string {
  const fix = modelFixFor(kind, message);
  const hint =
    fix === 'download'
      ? '' // the resolver's message already names "fieldmark models download <id>" and "models import"
      : fix === 'import'
        ? `; fix: rebuild or re-import it ("fieldmark models import <checkpoint> --like <id>"), or give another .onnx file path`
        : `; fix: give a registry id from "fieldmark models list" ("fieldmark models download <id>"), "fieldmark models import <checkpoint>", or a path to an .onnx file`;
  return message.includes(model) ? `${message}${hint}` : `model "${model}": ${message}${hint}`;
}

/** The registry id a "not installed" message names ("fieldmark models download <id>"), if any. */
export function downloadIdIn(message: string): string | null {
  return /models download ([a-z0-9][a-z0-9._-]*)/.exec(message)?.[1] ?? null;
}
