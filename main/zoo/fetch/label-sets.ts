/**
 * Label sets: the class lists a model predicts. Known sets have fixed sizes; their names come
 * from `models/labels/<id>.json` (shipped data written by scripts/make-label-sets.mjs for
 * imagenet1k, cifar10, cifar100, cub200; see models/labels/SOURCES.md). Without the file (a
 * trimmed install) untrained models name classes generically ("class 0", ...); converted models
 * take the names stored in their checkpoint. A custom set is a JSON file holding an array of names.
 */
import { readFile } from 'node:fs/promises';
import { FieldmarkError, describeValue } from '../../util/errors.js';
import { labelsFile } from './data-paths.js';

export const LABEL_SET_SIZES: Readonly<Record<string, number>> = {
  imagenet1k: 1000,
  cub200: 200,
  cifar10: 10,
  cifar100: 100,
};

export interface LabelSet {
  /** A known id, or `custom` for a list read from a file. */
  id: string;
  classNames: string[];
  /** Whether the names are real (from the registry or a file) rather than "class N". */
  named: boolean;
}

export function genericClassNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `class ${i}`);
}

/** Reads and checks a JSON array of class names. @throws FieldmarkError on anything else. */
export async function readClassNamesFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FieldmarkError(
      code === 'ENOENT' ? 'NotFound' : 'ReadFailed',
      `class list ${path} could not be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FieldmarkError('InvalidArgument', `class list ${path} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!Array.isArray(json) || json.length === 0 || !json.every((name) => typeof name === 'string' && name.length > 0)) {
    throw new FieldmarkError(
      'InvalidArgument',
      `class list ${path}: expected a non-empty JSON array of non-empty strings, received ${describeValue(json)}`,
    );
  }
  return json as string[];
}

/**
 * Resolves `--classes`: a known label-set id or the path of a JSON list of names.
 * @throws FieldmarkError InvalidArgument for an unknown id or a bad file.
 */
export async function resolveLabelSet(idOrPath: string, env: NodeJS.ProcessEnv = process.env): Promise<LabelSet> {
  const size = LABEL_SET_SIZES[idOrPath];
  if (size !== undefined) {
    const file = labelsFile(idOrPath, env);
    try {
      const names = await readClassNamesFile(file);
      if (names.length !== size)
        throw new FieldmarkError('Internal', `${file} holds ${names.length} names, expected ${size}`);
      return { id: idOrPath, classNames: names, named: true };
    } catch (error) {
      if (error instanceof FieldmarkError && error.kind === 'NotFound')
        return { id: idOrPath, classNames: genericClassNames(size), named: false };
      throw error;
    }
  }
  if (idOrPath.toLowerCase().endsWith('.json')) {
    return { id: 'custom', classNames: await readClassNamesFile(idOrPath), named: true };
  }
  throw new FieldmarkError(
    'InvalidArgument',
    `classes: expected one of ${Object.keys(LABEL_SET_SIZES).join(', ')} or the path of a JSON list of names, received "${idOrPath}"`,
  );
}
