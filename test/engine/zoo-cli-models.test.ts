import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelsCommand } from '../../main/cli/commands/models.js';
import { FieldmarkError } from '../../main/util/errors.js';
import { readModelMetadata } from '../../main/zoo/onnx/model-file.js';
import { resolveModel } from '../../main/zoo/fetch/resolve-model.js';
import { captureContext } from '../fixtures/cli-capture.js';
import { closedPort, startFileServer, type FileServer } from '../fixtures/http-fixtures.js';
import { makeTempDir, referencePath, repoRoot } from '../fixtures/zoo-helpers.js';

const R20 = 'akamaster-resnet20_cifar10';
const R32 = 'akamaster-resnet32_cifar10';
let dir = '';
let cleanup: () => Promise<void> = async () => {};
let server: FileServer;
let env: NodeJS.ProcessEnv = {};

/** A registry of two real entries whose URLs point at a local server and at nothing. */
before(async () => {
  ({ dir, cleanup } = await makeTempDir('zoo-cli-models'));
  server = await startFileServer(await readFile(referencePath('weights', 'resnet20-12fca82f.th')));
  const registry = JSON.parse(await readFile(join(repoRoot, 'models', 'registry.json'), 'utf8')) as {
    models: Array<{ id: string; checkpoint: { url: string } }>;
  };
  const r20 = registry.models.find((m) => m.id === R20);
  const r32 = registry.models.find((m) => m.id === R32);
  assert.ok(r20 && r32);
  r20.checkpoint.url = `${server.url}/moved.pth`;
  r32.checkpoint.url = `http://127.0.0.1:${await closedPort()}/resnet32-d509ac18.th`;
  const modelsDir = join(dir, 'models-data');
  await mkdir(join(modelsDir, 'labels'), { recursive: true });
  await writeFile(join(modelsDir, 'registry.json'), JSON.stringify({ ...registry, models: [r20, r32] }));
  await copyFile(join(repoRoot, 'models', 'labels', 'cifar10.json'), join(modelsDir, 'labels', 'cifar10.json'));
  env = { FIELDMARK_MODELS_DIR: modelsDir, FIELDMARK_CACHE_DIR: join(dir, 'cache') };
});
after(async () => {
  await server.close();
  await cleanup();
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureContext(dir, env);
  const code = await modelsCommand(args, io.context);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

function expectKind(kind: string, patterns: RegExp[]) {
  return (error: unknown) => {
    assert.ok(error instanceof FieldmarkError, String(error));
    assert.equal(error.kind, kind);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

test('a registry model that is not installed says how to get it', async () => {
  await assert.rejects(
    resolveModel(R20, { env }),
    expectKind('ModelMissing', [
      /"akamaster-resnet20_cifar10" is not installed/,
      /fieldmark models download akamaster-resnet20_cifar10/,
      /fieldmark models import <file> --like akamaster-resnet20_cifar10/,
    ]),
  );
  await assert.rejects(
    resolveModel('no-such-model', { env }),
    expectKind('InvalidArgument', [/expected a path to an \.onnx file or a registry id/]),
  );
  const listed = await run(['list']);
  assert.match(listed.stdout, /akamaster-resnet20_cifar10\s+cifar10\s+32x32\s+91\.73%\s+0\.27M\s+-/);
  assert.match(listed.stdout, /0 of 2 installed/);
});

test('models download fetches, verifies, converts and caches; a second call does nothing', async () => {
  const first = await run(['download', R20]);
  assert.equal(first.code, 0);
  const path = join(dir, 'cache', 'models', `${R20}.onnx`);
  assert.equal(first.stdout.split('\n')[0], path);
  assert.match(
    first.stdout,
    /akamaster-resnet20 \(basic \[3,3,3\], cifar3x3 stem, zero-pad shortcut\), 10 classes \(cifar10\), 0\.27M parameters, input 32x32, from a legacy checkpoint \(sha256 12fca82f0beb/,
  );
  const resolved = await resolveModel(R20, { env });
  assert.equal(resolved.path, path);
  assert.equal(resolved.metadata.trained, true);
  assert.equal(
    resolved.metadata.source.kind === 'checkpoint' && resolved.metadata.source.url,
    `${server.url}/moved.pth`,
  );
  const again = await run(['download', R20]);
  assert.match(again.stdout, /is already installed/);
  const listed = await run(['list', '--json']);
  const rows = listed.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; installed: boolean; path: string | null });
  assert.deepEqual(
    rows.map((r) => [r.id, r.installed, r.path]),
    [
      [R20, true, path],
      [R32, false, null],
    ],
  );
});

test('offline downloads fail at once and point to models import', async () => {
  await assert.rejects(
    run(['download', R32]),
    expectKind('Offline', [/ECONNREFUSED/, /fieldmark models import <file> --like akamaster-resnet32_cifar10/]),
  );
});

test('models import installs a checkpoint fetched by hand, and refuses a different file', async () => {
  await assert.rejects(
    run(['import', referencePath('weights', 'resnet20-12fca82f.th'), '--like', R32]),
    expectKind('ChecksumMismatch', [/expects one starting with d509ac18/]),
  );
  const imported = await run(['import', referencePath('weights', 'resnet32-d509ac18.th'), '--like', R32]);
  assert.equal(imported.code, 0);
  const resolved = await resolveModel(R32, { env });
  assert.equal(resolved.metadata.architecture, 'akamaster-resnet32');
  assert.deepEqual(resolved.metadata.classNames.slice(-1), ['truck']);
});

test('models convert writes any checkpoint where asked, with names from --classes', async () => {
  await writeFile(join(dir, 'names.json'), JSON.stringify(Array.from({ length: 10 }, (_, i) => `kind ${i}`)));
  const converted = await run([
    'convert',
    referencePath('weights', 'resnet20-12fca82f.th'),
    '--out',
    'out/r20.onnx',
    '--classes',
    'names.json',
    '--preprocess',
    R20,
  ]);
  assert.equal(converted.code, 0);
  assert.equal(converted.stderr, '');
  const metadata = await readModelMetadata(join(dir, 'out', 'r20.onnx'));
  assert.equal(metadata.classNames[9], 'kind 9');
  assert.equal(metadata.labelSet, 'custom');
  assert.equal(metadata.id, 'resnet20-12fca82f');
  assert.deepEqual(metadata.preprocess.mean, [123.675, 116.28, 103.53]);
  // resolveModel takes .onnx paths as they are.
  assert.equal((await resolveModel(join(dir, 'out', 'r20.onnx'), { env })).metadata.id, 'resnet20-12fca82f');
  await assert.rejects(
    run(['convert', 'nope.pth', '--out', 'x.onnx']),
    expectKind('NotFound', [/checkpoint .*nope\.pth could not be read/]),
  );
  await assert.rejects(run(['convert', referencePath('weights', 'resnet20-12fca82f.th')]), /--out is required/);
  await assert.rejects(run(['import', 'x.pth']), /--like is required/);
  await assert.rejects(run(['download']), /expected <id>, received 0/);
  await assert.rejects(
    run(['download', 'resnet19']),
    expectKind('InvalidArgument', [/unknown registry id "resnet19"/]),
  );
});
