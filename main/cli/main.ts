/**
 * The `fieldmark` command line: dispatches to subcommands, turns errors into exit codes
 * (2 for usage, 1 for failures) and messages that say what was expected.
 */
import sharp from 'sharp';
import { UsageError } from './args.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext, type CommandHandler } from './context.js';
import { classifyCommand } from './commands/classify.js';
import { modelsCommand } from './commands/models.js';
import { exportCommand } from './commands/export.js';
import { similarCommand } from './commands/similar.js';
import { trainCommand } from './commands/train.js';
import { evaluateCommand } from './commands/evaluate.js';
import { labelsCommand } from './commands/labels.js';
import { duplicatesCommand } from './commands/duplicates.js';
import { pruneCommand } from './commands/prune.js';
import { checkCommand } from './commands/check.js';
import { FieldmarkError } from '../util/errors.js';

const VERSION = '0.1.0';

export const USAGE = `fieldmark ${VERSION}: classify, search and label photo folders with ResNet models

Usage: fieldmark <command> [options]

Commands:
  classify <folder>     classify a folder of photos (incremental; --csv, --json)
  serve <folder>        open the Fieldmark UI for a folder in a browser on 127.0.0.1
  similar <folder> <image>  the images most like one image, or an outside photo (feature similarity)
  duplicates <folder>   groups of near-duplicate photos (--threshold, --json, --csv)
  export <folder>       write labels and saved predictions as CSV (--csv, --labels-only)
  train <folder>        train a classifier from your labels (--out NAME.onnx)
  evaluate <folder>     accuracy, confusion matrix and calibration against true labels
  labels <sub> <folder> set, clear, list, undo, redo, rename, merge, import labels
  prune <folder>        forget images whose files are gone (kept as missing until then)
  check <folder>        full integrity check of the catalog (--move-aside to start anew)
  models list           the model registry and what is installed
  models download <id>  fetch, verify and convert a registry model
  models import <file>  convert a checkpoint fetched by hand (--like <id>)
  models convert <ckpt> convert a PyTorch checkpoint to a Fieldmark ONNX model
  models build          build a real-architecture model with seeded (untrained) weights
  convert <ckpt>        same as "models convert"

Run "fieldmark <command> --help" for a command's options.
`;

async function loadServe(): Promise<CommandHandler> {
  const module = await import('./commands/serve.js');
  return module.serveCommand;
}

const COMMANDS: Record<string, () => Promise<CommandHandler>> = {
  classify: async () => classifyCommand,
  models: async () => modelsCommand,
  export: async () => exportCommand,
  similar: async () => similarCommand,
  train: async () => trainCommand,
  evaluate: async () => evaluateCommand,
  labels: async () => labelsCommand,
  duplicates: async () => duplicatesCommand,
  prune: async () => pruneCommand,
  check: async () => checkCommand,
  convert: async () => (args, context) => modelsCommand(['convert', ...args], context),
  serve: loadServe,
};

export async function runCli(argv: string[], context: CliContext = processContext()): Promise<number> {
  // One libvips thread per image: the pipeline keeps two images in flight instead (measured faster on two cores).
  sharp.concurrency(1);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(USAGE);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    context.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  const load = COMMANDS[name];
  if (!load) {
    context.stderr.write(
      `fieldmark: unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(', ')}\n\n${USAGE}`,
    );
    return EXIT_USAGE;
  }
  try {
    return await (await load())(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr.write(`fieldmark: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof FieldmarkError) {
      context.stderr.write(`fieldmark ${name}: ${error.message} (${error.kind})\n`);
      return error.kind === 'InvalidArgument' ? EXIT_USAGE : EXIT_FAILURE;
    }
    context.stderr.write(
      `fieldmark ${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
}

function processContext(): CliContext {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130); // a second Ctrl-C means "now"; the catalog stays consistent (WAL)
    process.stderr.write(
      `\nfieldmark: ${signal}: finishing the batch in flight and saving (press again to quit at once)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}
