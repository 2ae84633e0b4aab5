/**
 * `fieldmark evaluate <folder>`: a model's saved predictions against true labels (the user's
 * labels, folder names, or a CSV): top-1/top-5, per-class precision/recall/F1, the confusion
 * matrix (CSV and SVG with --out) and calibration (ECE, reliability diagram).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCommandArgs, optionalString, expectPositionals, libraryArguments } from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { pickCatalogModel } from '../catalog-model.js';
import { evaluateLibrary, truthLabels, type TruthSource } from '../../engine/learning/evaluate-library.js';
import { confusionCsv, confusionSvg, reliabilitySvg } from '../../engine/learning/evaluation-report.js';
import { FieldmarkError } from '../../util/errors.js';

export const EVALUATE_USAGE = `fieldmark evaluate <folder> [--model <id|file>] [--truth labels|folders|<file.csv>] [--db <file>] [--json] [--out <dir>]

Compare a model's saved predictions with true labels: your labels (default), the name of each
image's folder, or a CSV with "path" and "label" columns. Model classes match labels by name
(CUB ids like "017" and names like "017.Cardinal" or "Cardinal" all match).
--out writes confusion.csv, confusion.svg, reliability.svg and evaluation.json.
`;

const OPTIONS = {
  model: { type: 'string' },
  truth: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function truthSource(raw: string | undefined, cwd: string): Promise<TruthSource> {
  if (raw === undefined || raw === 'labels') return { kind: 'labels' };
  if (raw === 'folders') return { kind: 'folders' };
  try {
    return { kind: 'csv', text: await readFile(resolve(cwd, raw), 'utf8') };
  } catch (error) {
    throw new FieldmarkError(
      'InvalidArgument',
      `--truth: expected labels, folders or a readable CSV file, received "${raw}" (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

const percent = (v: number) => `${(v * 100).toFixed(2)}%`;

export const evaluateCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('evaluate', args, OPTIONS);
  if (values.help) {
    context.stdout.write(EVALUATE_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('evaluate', positionals, ['folder']);
  const source = await truthSource(optionalString(values.truth), context.cwd);
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  try {
    const model = await pickCatalogModel(library.catalog, optionalString(values.model), context.cwd);
    const truth = truthLabels(library.catalog, library.libraryId, model.rowId, source);
    if (truth.size === 0)
      throw new FieldmarkError(
        'InvalidArgument',
        `no images with a true label (--truth ${source.kind}): label some images or pass --truth folders|<file.csv>`,
      );
    const result = evaluateLibrary(library.catalog, library.libraryId, model.rowId, model.metadata, truth);
    const outDir = optionalString(values.out);
    if (outDir) {
      const dir = resolve(context.cwd, outDir);
      await mkdir(dir, { recursive: true });
      const { cells: _cells, ...summary } = result;
      await writeFile(join(dir, 'confusion.csv'), confusionCsv(result));
      await writeFile(join(dir, 'confusion.svg'), confusionSvg(result));
      await writeFile(join(dir, 'reliability.svg'), reliabilitySvg(result));
      await writeFile(
        join(dir, 'evaluation.json'),
        `${JSON.stringify({ model: model.metadata.id, ...summary }, null, 2)}\n`,
      );
    }
    if (values.json) {
      const { cells: _cells, ...summary } = result;
      context.stdout.write(`${JSON.stringify({ type: 'evaluation', model: model.metadata.id, ...summary })}\n`);
      return EXIT_OK;
    }
    const lines = [
      `model ${model.metadata.id} on ${result.count} images with a true label (${result.unpredicted} without a prediction)`,
      `top-1 ${percent(result.top1)}  top-5 ${percent(result.top5)}  macro-F1 ${result.macroF1.toFixed(4)}  ECE ${percent(result.ece)}`,
      '',
      `${'label'.padEnd(28)} ${'support'.padStart(7)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F1'.padStart(6)}`,
      ...result.perClass
        .filter((m) => m.support > 0 || m.predicted > 0)
        .map(
          (m) =>
            `${m.label.slice(0, 28).padEnd(28)} ${String(m.support).padStart(7)} ${m.precision.toFixed(3).padStart(9)} ${m.recall.toFixed(3).padStart(7)} ${m.f1.toFixed(3).padStart(6)}`,
        ),
    ];
    if (outDir)
      lines.push(
        '',
        `wrote confusion.csv, confusion.svg, reliability.svg, evaluation.json to ${resolve(context.cwd, outDir)}`,
      );
    context.stdout.write(`${lines.join('\n')}\n`);
    return EXIT_OK;
  } finally {
    library.catalog.close();
  }
};
