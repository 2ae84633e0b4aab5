/** `npm run typecheck` stays clean: main, preload and tests (Node + Electron types), the renderer (DOM), and the renderer store tests (both). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

// The renderer store tests run the real store (DOM types) against the engine (Node types).
for (const project of ['tsconfig.json', 'renderer/tsconfig.json', 'test/tsconfig.store.json']) {
  test(`tsc --noEmit -p ${project} reports no errors`, (t) => {
    if (!existsSync(join(repoRoot, project))) {
      t.skip(`${project} does not exist`);
      return;
    }
    const run = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`.slice(0, 4000));
  });
}
