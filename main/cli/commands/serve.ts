/**
 * `fieldmark serve <folder>`: the Fieldmark UI in a browser, for a headless machine (a GPU box in
 * a closet) and for end-to-end tests. Opens the folder as the library, starts indexing, and
 * prints exactly one line on stdout, the URL with its token; all other output goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildRoot, packageRoot } from '../../util/code-layout.js';
import { resolveAppPaths } from '../../util/app-paths.js';
import { startEngineWorker } from '../../host/engine-worker-host.js';
import type { Settings } from '../../contract/types.js';
import { startServer } from '../../server/http-server.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../engine/inference/execution-providers.js';
import { toErrorData } from '../../util/errors.js';
import { choiceOption, expectPositionals, intOption, optionalString, parseCommandArgs } from '../args.js';
import { EXIT_OK, type CommandHandler } from '../context.js';
import { resolveUsableModel } from '../usable-model.js';

export const SERVE_USAGE = `fieldmark serve <folder> [options]

Open the Fieldmark UI for a folder in a browser. Listens on 127.0.0.1 only and prints one line,
http://127.0.0.1:PORT/?token=TOKEN; every request needs that token. Ctrl-C stops.

Options:
  --model <file|id>     a Fieldmark .onnx file or a registry id (default: the saved setting)
  --db <file>           catalog file (default: in the user data folder, one per library)
  --port <n>            port, 0 picks a free one (default 0)
  --device <d>          auto|cpu|gpu (default: the saved setting)
  --batch <n>           images per inference batch, 1-256
  --threads <n>         inference threads
`;

const OPTIONS = {
  model: { type: 'string' },
  db: { type: 'string' },
  port: { type: 'string' },
  device: { type: 'string' },
  batch: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const serveCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('serve', args, OPTIONS);
  if (values.help) {
    context.stdout.write(SERVE_USAGE);
    return EXIT_OK;
  }
  const folder = expectPositionals('serve', positionals, ['folder'])[0]!;
  const port = intOption('port', values.port, 0, 0, 65535);
  const overrides: Partial<Settings> = {};
  const model = optionalString(values.model);
  if (model !== undefined) overrides.modelId = model.endsWith('.onnx') ? resolve(context.cwd, model) : model;
  if (values.device !== undefined)
    overrides.device = choiceOption<DeviceRequest>('device', values.device, DEVICE_REQUESTS, 'auto');
  if (values.batch !== undefined) overrides.batchSize = intOption('batch', values.batch, 8, 1, 256);
  if (values.threads !== undefined) overrides.threads = intOption('threads', values.threads, 1, 1, 256);
  const db = optionalString(values.db);
  const log = (message: string) => context.stderr.write(`${message}\n`);

  // The engine (catalog, scan, pipeline) runs in a worker thread: this one only routes (issue 12).
  const service = await startEngineWorker(
    {
      paths: resolveAppPaths(context.env),
      env: context.env,
      version: packageVersion(),
      transport: 'web',
      cwd: context.cwd,
      canPickFolder: false,
      canTrashFiles: false,
      overrides,
      ...(db === undefined ? {} : { dbPath: resolve(context.cwd, db) }),
    },
    { log },
  );
  let library;
  try {
    // A model that cannot be used stops serve before any work (exit 2), not as an empty library.
    await resolveUsableModel((await service.settings()).modelId ?? undefined, context.cwd, context.env);
    library = await service.openLibrary(resolve(context.cwd, folder));
  } catch (error) {
    await service.close();
    throw error;
  }
  const server = await startServer({
    service,
    rendererDir: join(buildRoot(), 'renderer'),
    port,
    log,
  });
  context.stdout.write(`${server.url}\n`);
  log(`fieldmark serve: library ${library.root} (catalog ${library.catalogPath}); press Ctrl-C to stop`);
  service.onEvent((event) => {
    if (event.type === 'error') log(`fieldmark serve: ${event.error.kind}: ${event.error.message}`);
    if (event.type === 'indexing' && (event.status.state === 'finished' || event.status.state === 'failed')) {
      log(
        `fieldmark serve: indexing ${event.status.state}: ${event.status.done}/${event.status.toProcess} processed, ${event.status.failed} failed${event.status.message ? ` (${event.status.message})` : ''}`,
      );
    }
  });

  if (!context.signal.aborted)
    await new Promise<void>((done) => context.signal.addEventListener('abort', () => done(), { once: true }));
  log('fieldmark serve: stopping');
  await server.close();
  try {
    await service.close();
  } catch (error) {
    log(`fieldmark serve: while closing: ${toErrorData(error).message}`);
  }
  return EXIT_OK;
};

function packageVersion(): string {
  const path = join(packageRoot, 'package.json');
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : '0.0.0';
  } catch (error) {
    process.stderr.write(`fieldmark serve: cannot read the version from ${path}: ${toErrorData(error).message}\n`);
    return '0.0.0';
  }
}
