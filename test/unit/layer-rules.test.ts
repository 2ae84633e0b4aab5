/**
 * The layer rules of layers.config.json (issue 12): the real tree passes `scripts/check-layers.mjs`,
 * and a fixture tree with one forbidden import per rule fails it with each one named.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, tempDir } from '../helpers/paths.js';

const checker = join(repoRoot, 'scripts', 'check-layers.mjs');
const work = tempDir('layer-rules');
after(() => work.cleanup());

function check(root: string, extra: string[] = []) {
  const run = spawnSync(process.execPath, [checker, '--root', root, ...extra], { encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function writeTree(root: string, files: Record<string, string>): void {
  mkdirSync(root, { recursive: true });
  copyFileSync(join(repoRoot, 'layers.config.json'), join(root, 'layers.config.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

test('the real tree keeps its layer rules', () => {
  const { code, out, err } = check(repoRoot);
  assert.equal(code, 0, out + err);
  assert.match(out, /layer rules: ok/);
});

test('a forbidden import of each kind fails the check, naming file, line and rule', () => {
  const root = join(work.path, 'bad');
  writeTree(root, {
    // The upward import issue 12 found: the model zoo reaching into the app.
    'main/zoo/model-cache.ts':
      "import { join } from 'node:path';\nimport { resolveAppPaths } from '../app/app-paths.js';\nexport const x = join(resolveAppPaths.name);\n",
    'main/app/app-paths.ts': 'export function resolveAppPaths() {}\n',
    'main/engine/window.ts': "import { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n",
    'main/engine/ok.ts':
      "import { readFile } from 'node:fs/promises';\nimport type { Reply } from '../contract/types.js';\nexport type R = Reply<typeof readFile>;\n",
    'main/contract/types.ts': 'export type Reply<T> = { ok: true; value: T };\nexport const VERSION = 1;\n',
    'main/cli/uses-electron.ts': "const electron = await import('electron');\nexport default electron;\n",
    'renderer/reads-disk.ts': "import { readFileSync } from 'fs';\nexport const read = readFileSync;\n",
    'renderer/contract-value.tsx':
      "import { VERSION } from '../main/contract/types.js';\nexport const v = <b>{VERSION}</b>;\n",
    'renderer/contract-type.ts':
      "import type { Reply } from '../main/contract/types.js';\nimport { type Reply as R2 } from '../main/contract/types.js';\nexport type A = Reply<number> | R2<string>;\n",
    'preload/index.ts':
      "import { contextBridge } from 'electron';\nimport { startIndexJob } from '../main/engine/pipeline/index-job.js';\ncontextBridge.exposeInMainWorld('x', startIndexJob);\n",
  });
  const { code, out } = check(root);
  assert.equal(code, 1, out);
  const lines = out.trim().split('\n');
  const found = lines
    .filter((line) => line.includes(' breaks '))
    .map((line) => line.split(':').slice(0, 2).join(':') + ' ' + line.split(' breaks ')[1]!.split(':')[0]);
  assert.deepEqual(found.sort(), [
    'main/cli/uses-electron.ts:1 electron-only-in-main-electron',
    'main/engine/window.ts:1 electron-only-in-main-electron',
    'main/engine/window.ts:1 engine-and-zoo-stay-below-the-app',
    'main/zoo/model-cache.ts:2 engine-and-zoo-stay-below-the-app',
    'main/zoo/model-cache.ts:2 zoo-independent-of-the-engine-pipeline',
    'preload/index.ts:2 preload-electron-and-contract-types',
    'renderer/contract-value.tsx:1 renderer-contract-types-only',
    'renderer/reads-disk.ts:1 renderer-contract-types-only',
  ]);
  assert.match(lines.at(-1)!, /8 violation\(s\)/);
});

test('a config naming an unknown layer is refused with exit 2', () => {
  const root = join(work.path, 'bad-config');
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, 'layers.config.json'),
    JSON.stringify({
      roots: ['main'],
      layers: { engine: 'main/engine/' },
      rules: [{ name: 'r', comment: 'c', from: ['engine'], forbidden: { layers: ['ap'] } }],
    }),
  );
  const { code, err } = check(root);
  assert.equal(code, 2);
  assert.match(err, /expected a layer of "layers" but received "ap"/);
});
