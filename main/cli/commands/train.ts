/**
 * `fieldmark train <folder> --out NAME.onnx`: a softmax head on the base model's stored features
 * of the labelled images, written with the base backbone as one new model file, applied to the
 * library from the stored features (predictions, and `model` labels unless --no-labels).
 */
import { resolve } from 'node:path';
import {
  parseCommandArgs,
  optionalString,
  expectPositionals,
  requiredString,
  libraryArguments,
  UsageError,
} from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { trainModelFromLabels } from '../../engine/learning/train-model.js';
import { resolveBaseModel } from '../base-model.js';

export const TRAIN_USAGE = `fieldmark train <folder> --out NAME.onnx [--base <id|file>] [--db <file>] [--no-labels] [--json]

Train a classifier from the labels given in <folder>: a softmax head on the base model's stored
features (regularisation chosen by cross-validation), written with the base backbone as one ONNX
model (usable by classify and serve). The library gets the new model's predictions at once, from
the stored features, and its unlabelled images get labels with source "model" (--no-labels: not).
`;

const OPTIONS = {
  out: { type: 'string' },
  base: { type: 'string' },
  db: { type: 'string' },
  'no-labels': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const trainCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('train', args, OPTIONS);
  if (values.help) {
    context.stdout.write(TRAIN_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('train', positionals, ['folder']);
  const out = resolve(context.cwd, requiredString('out', values.out));
  if (!out.toLowerCase().endsWith('.onnx'))
    throw new UsageError(`--out: expected a file name ending in .onnx, received "${String(values.out)}"`);
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    const base = await resolveBaseModel(library.catalog, optionalString(values.base), 'base', context.cwd, context.env);
    let shown = -1;
    const trained = await trainModelFromLabels({
      catalog: library.catalog,
      libraryId: library.libraryId,
      base,
      outPath: out,
      applyLabels: values['no-labels'] !== true,
      signal: context.signal,
      onProgress: (fraction, stage) => {
        const percent = Math.floor(fraction * 10) * 10;
        if (percent === shown) return;
        shown = percent;
        if (values.json)
          context.stdout.write(
            `${JSON.stringify({ type: 'progress', stage, fraction: Number(fraction.toFixed(3)) })}\n`,
          );
        else context.stderr.write(`train: ${stage} ${percent}%\n`);
      },
    });
    if (values.json) {
      context.stdout.write(`${JSON.stringify({ type: 'trained', ...trained })}\n`);
    } else {
      context.stdout.write(
        `trained ${trained.id} (${trained.path}): ${trained.classNames.length} labels, ${trained.trainingLabels} labelled images, ` +
          `cross-validated accuracy ${(trained.cvAccuracy * 100).toFixed(1)}% (C=${trained.regularisationC}), ` +
          `${trained.predicted} images predicted from stored features, ${trained.labelled} labelled "model", ${trained.seconds.toFixed(1)} s\n`,
      );
    }
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};
