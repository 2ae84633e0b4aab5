/**
 * `fieldmark models <subcommand>`: build untrained models with real architectures.
 */
import { resolve } from 'node:path';
import { buildSeededModel } from '../../zoo/build-model.js';
import { ARCHITECTURE_NAMES } from '../../zoo/resnet-architectures.js';
import { intOption, parseCommandArgs, requiredString, UsageError } from '../args.js';
import { EXIT_OK, type CliContext, type CommandHandler } from '../context.js';

const USAGE = [
  'usage: fieldmark models <subcommand>',
  '  build --arch <name> --classes <id|file.json> --seed <n> --out <model.onnx>',
  '      writes a model with a real architecture and seeded, untrained weights',
].join('\n');

function formatCount(count: number): string {
  return count >= 1e4 ? `${(count / 1e6).toFixed(2)}M` : String(count);
}

async function buildCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('models build', args, {
    arch: { type: 'string' },
    classes: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`models build: expected no positional arguments, received ${positionals.join(' ')}`);
  const architecture = requiredString('arch', values.arch);
  if (!ARCHITECTURE_NAMES.includes(architecture)) {
    throw new UsageError(`--arch: expected one of ${ARCHITECTURE_NAMES.join(', ')}, received "${architecture}"`);
  }
  const classesArg = requiredString('classes', values.classes);
  const classes = classesArg.toLowerCase().endsWith('.json') ? resolve(context.cwd, classesArg) : classesArg;
  const seed = intOption('seed', requiredString('seed', values.seed), 0, 0, 0xffffffff);
  const outPath = resolve(context.cwd, requiredString('out', values.out));
  const built = await buildSeededModel({ architecture, classes, seed, outPath, env: context.env });
  context.stdout.write(`${built.path}\n`);
  context.stdout.write(`${architecture}, ${built.metadata.classNames.length} classes (${built.metadata.labelSet}), ` +
    `${formatCount(built.parameterCount)} parameters (${built.parameterCount}), ${(built.bytes / 1e6).toFixed(1)} MB\n`);
  context.stdout.write(`weights are seeded (seed ${seed}) and untrained: predictions are meaningless\n`);
  return EXIT_OK;
}

/** Entry point of `fieldmark models`. */
export const modelsCommand: CommandHandler = async (args, context) => {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'build':
      return buildCommand(rest, context);
    case '--help':
    case 'help':
      context.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    case undefined:
      throw new UsageError(`models: expected a subcommand\n${USAGE}`);
    default:
      throw new UsageError(`models: unknown subcommand "${subcommand}"\n${USAGE}`);
  }
};
