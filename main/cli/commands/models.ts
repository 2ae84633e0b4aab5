/**
 * `fieldmark models <subcommand>`: the model registry and the model files on this machine —
 * list, download, import a checkpoint fetched by hand, convert any ResNet checkpoint, and build
 * untrained models with real architectures.
 */
import { resolve } from 'node:path';
import { buildSeededModel } from '../../zoo/resnet/build-model.js';
import type { ConvertResult } from '../../zoo/checkpoint/convert-checkpoint.js';
import { convertCheckpoint } from '../../zoo/checkpoint/convert-checkpoint.js';
import { importModel, installModel, listModels } from '../../zoo/fetch/install-model.js';
import { ARCHITECTURE_NAMES } from '../../zoo/resnet/resnet-architectures.js';
import { describeInt8, listInt8Models } from '../../zoo/quantize/local-int8-models.js';
import { listTrainedModels } from '../../zoo/fetch/trained-models.js';
import { quantizeCommand, QUANTIZE_USAGE } from './models-quantize.js';
import { expectPositionals, intOption, optionalString, parseCommandArgs, requiredString, UsageError } from '../args.js';
import { EXIT_OK, type CliContext, type CommandHandler } from '../context.js';

const USAGE = `usage: fieldmark models <subcommand>
  list [--json]                          the registry, and which models are installed
  download <id> [--force]                download, verify and convert a registry model
  import <checkpoint> --like <id>        install a registry model from a checkpoint fetched by hand
  convert <checkpoint> --out <model.onnx> [--like <id>] [--classes <labelset|names.json>]
                                         [--preprocess <id>] [--id <model id>]
                                         convert any ResNet checkpoint (OpenMMLab, torchvision, akamaster)
  build --arch <name> --classes <labelset|names.json> --seed <n> --out <model.onnx>
                                         a real architecture with seeded, untrained weights
${QUANTIZE_USAGE}`;

function formatCount(count: number): string {
  return count >= 1e4 ? `${(count / 1e6).toFixed(2)}M` : String(count);
}

function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0)
    throw new UsageError(`${command}: expected no positional arguments, received ${positionals.join(' ')}`);
}

/** A path argument: `.json` class lists are resolved against the working folder, label-set ids kept. */
function classesArgument(raw: string | undefined, cwd: string): string | undefined {
  if (raw === undefined) return undefined;
  return raw.toLowerCase().endsWith('.json') ? resolve(cwd, raw) : raw;
}

function reportConversion(result: ConvertResult, context: CliContext): void {
  const { metadata } = result;
  context.stdout.write(`${result.path}\n`);
  context.stdout.write(
    `${metadata.architecture} (${result.structure}), ${metadata.classNames.length} classes (${metadata.labelSet}), ` +
      `${formatCount(result.parameterCount)} parameters, input ${metadata.preprocess.input.width}x${metadata.preprocess.input.height}, ` +
      `from a ${result.format} checkpoint (sha256 ${metadata.source.kind === 'checkpoint' ? metadata.source.sha256.slice(0, 12) : '-'}...)\n`,
  );
  for (const warning of result.warnings) context.stderr.write(`warning: ${warning}\n`);
}

/** Download progress on stderr, redrawn in place on a terminal, quiet otherwise. */
function progressReporter(context: CliContext): {
  update: (received: number, total: number | null) => void;
  done: () => void;
} {
  if (!context.stderr.isTTY) return { update: () => {}, done: () => {} };
  const started = Date.now();
  let last = 0;
  return {
    update: (received, total) => {
      const now = Date.now();
      if (now - last < 100 && received !== total) return;
      last = now;
      const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
      const rate = received / Math.max(0.001, (now - started) / 1000);
      const fraction = total ? received / total : 0;
      const bar = total ? `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ` : '';
      context.stderr.write(`\r\x1b[2K${bar}${mb(received)}${total ? `/${mb(total)}` : ''} MB  ${mb(rate)} MB/s`);
    },
    done: () => context.stderr.write('\r\x1b[2K'),
  };
}

async function listCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('models list', args, { json: { type: 'boolean' } });
  noPositionals('models list', positionals);
  const models = await listModels({ env: context.env });
  const int8Models = await listInt8Models({ env: context.env });
  if (values.json) {
    for (const { entry, installed, path, isDefault } of models) {
      context.stdout.write(
        `${JSON.stringify({ ...entry, installed, path: installed ? path : null, default: isDefault })}\n`,
      );
    }
    for (const model of int8Models) {
      context.stdout.write(
        `${JSON.stringify({ id: model.id, int8: true, installed: true, path: model.path, default: false, labelSet: model.metadata.labelSet, quantization: model.quantization })}\n`,
      );
    }
    return EXIT_OK;
  }
  const rows = models.map(({ entry, installed, isDefault }) => [
    `${entry.id}${isDefault ? ' (default)' : ''}`,
    entry.labelSet,
    `${entry.preprocess.input.width}x${entry.preprocess.input.height}`,
    entry.top1 === null ? '-' : `${entry.top1.toFixed(2)}%`,
    `${entry.paramsM}M`,
    installed ? 'installed' : '-',
  ]);
  const header = ['model', 'classes', 'input', 'top-1', 'params', 'status'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...rows])
    context.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  context.stdout.write(
    `\n${models.filter((m) => m.installed).length} of ${models.length} installed; "fieldmark models download <model>" installs one\n`,
  );
  if (int8Models.length > 0) {
    context.stdout.write(`\nint8 models made on this machine ("fieldmark models quantize"):\n`);
    for (const model of int8Models) context.stdout.write(`${model.id}  [int8]  ${describeInt8(model.quantization)}\n`);
  }
  const trained = await listTrainedModels(context.env);
  if (trained.length > 0) {
    context.stdout.write(`\nmodels trained in the app from your labels ("fieldmark train" writes where --out says):\n`);
    for (const { path, metadata } of trained)
      context.stdout.write(
        `${path}  ${metadata.classNames.length} labels over ${metadata.training!.baseModelId}, cross-validated ${(metadata.training!.cvAccuracy * 100).toFixed(1)}%\n`,
      );
  }
  return EXIT_OK;
}

async function downloadCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('models download', args, { force: { type: 'boolean' } });
  const [id] = expectPositionals('models download', positionals, ['id']) as [string];
  const progress = progressReporter(context);
  try {
    const result = await installModel(id, {
      env: context.env,
      signal: context.signal,
      onProgress: progress.update,
      force: values.force === true,
    });
    progress.done();
    if (!result.converted) {
      context.stdout.write(`${result.path}\n${id} is already installed (use --force to convert it again)\n`);
      return EXIT_OK;
    }
    if (result.conversion) reportConversion(result.conversion, context);
    return EXIT_OK;
  } finally {
    progress.done();
  }
}

async function importCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('models import', args, {
    like: { type: 'string' },
    'allow-other-file': { type: 'boolean' },
  });
  const [file] = expectPositionals('models import', positionals, ['checkpoint']) as [string];
  const like = requiredString('like', values.like);
  const result = await importModel(resolve(context.cwd, file), like, {
    env: context.env,
    allowOtherFile: values['allow-other-file'] === true,
  });
  if (result.conversion) reportConversion(result.conversion, context);
  return EXIT_OK;
}

async function convertCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('models convert', args, {
    out: { type: 'string' },
    like: { type: 'string' },
    classes: { type: 'string' },
    preprocess: { type: 'string' },
    id: { type: 'string' },
  });
  const [checkpoint] = expectPositionals('models convert', positionals, ['checkpoint']) as [string];
  const like = optionalString(values.like);
  const classes = classesArgument(optionalString(values.classes), context.cwd);
  const preprocess = optionalString(values.preprocess);
  const id = optionalString(values.id);
  const result = await convertCheckpoint({
    checkpointPath: resolve(context.cwd, checkpoint),
    outPath: resolve(context.cwd, requiredString('out', values.out)),
    env: context.env,
    ...(like ? { like } : {}),
    ...(classes ? { classes } : {}),
    ...(preprocess ? { preprocess } : {}),
    ...(id ? { id } : {}),
  });
  reportConversion(result, context);
  return EXIT_OK;
}

async function buildCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('models build', args, {
    arch: { type: 'string' },
    classes: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
  });
  noPositionals('models build', positionals);
  const architecture = requiredString('arch', values.arch);
  if (!ARCHITECTURE_NAMES.includes(architecture)) {
    throw new UsageError(`--arch: expected one of ${ARCHITECTURE_NAMES.join(', ')}, received "${architecture}"`);
  }
  const classes = classesArgument(requiredString('classes', values.classes), context.cwd) as string;
  const seed = intOption('seed', requiredString('seed', values.seed), 0, 0, 0xffffffff);
  const outPath = resolve(context.cwd, requiredString('out', values.out));
  const built = await buildSeededModel({ architecture, classes, seed, outPath, env: context.env });
  context.stdout.write(`${built.path}\n`);
  context.stdout.write(
    `${architecture}, ${built.metadata.classNames.length} classes (${built.metadata.labelSet}), ` +
      `${formatCount(built.parameterCount)} parameters (${built.parameterCount}), ${(built.bytes / 1e6).toFixed(1)} MB\n`,
  );
  context.stdout.write(`weights are seeded (seed ${seed}) and untrained: predictions are meaningless\n`);
  return EXIT_OK;
}

const SUBCOMMANDS: Record<string, (args: string[], context: CliContext) => Promise<number>> = {
  list: listCommand,
  download: downloadCommand,
  import: importCommand,
  convert: convertCommand,
  build: buildCommand,
  quantize: quantizeCommand,
};

/** Entry point of `fieldmark models`. */
export const modelsCommand: CommandHandler = async (args, context) => {
  const [subcommand, ...rest] = args;
  if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    context.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (subcommand === undefined) throw new UsageError(`models: expected a subcommand\n${USAGE}`);
  const handler = SUBCOMMANDS[subcommand];
  if (!handler) throw new UsageError(`models: unknown subcommand "${subcommand}"\n${USAGE}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    context.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  return handler(rest, context);
};
