/**
 * `fieldmark classify --watch` (issue 12): after the first run the CLI keeps indexing what is
 * added to the folder, prints each new result line, and stops cleanly on SIGINT.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { referencePath, tempDir } from '../helpers/paths.js';
import { runFieldmark, spawnFieldmark } from '../helpers/cli.js';

const work = tempDir('classify-watch');
const library = join(work.path, 'library');
const model = join(work.path, 'model.onnx');
const env = { FIELDMARK_DATA_DIR: join(work.path, 'data'), FIELDMARK_CACHE_DIR: join(work.path, 'cache') };
const birds = readdirSync(referencePath('birds', 'images'))
  .filter((name) => name.endsWith('.jpg'))
  .sort()
  .slice(0, 3);

before(async () => {
  mkdirSync(join(library, 'birds'), { recursive: true });
  for (const name of birds.slice(0, 2))
    copyFileSync(referencePath('birds', 'images', name), join(library, 'birds', name));
  const built = await runFieldmark(
    ['models', 'build', '--arch', 'resnet18', '--classes', 'cifar10', '--seed', '1', '--out', model],
    env,
  );
  assert.equal(built.code, 0, built.stderr);
});
after(() => work.cleanup());

test('classify --watch indexes a file added after the first run and exits cleanly on SIGINT', async () => {
  const child = spawnFieldmark(
    ['classify', library, '--model', model, '--json', '--watch', '--batch', '4', '--threads', '1'],
    env,
  );
  const lines: Record<string, unknown>[] = [];
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    const parts = stdout.split('\n');
    stdout = parts.pop()!;
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  /** Waits until `check` holds on the output so far (woken by each chunk), or fails after `timeoutMs`. */
  const until = async (what: string, check: () => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`waiting for ${what}; stderr:\n${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 1_000).unref(); // re-checks the deadline when the output is silent
      });
    }
  };
  try {
    await until(
      'the first summary and the watch notice',
      () => lines.some((l) => l.type === 'summary') && stderr.includes('watching'),
    );
    const first = lines.find((l) => l.type === 'summary')!;
    assert.equal(first.processed, 2);
    assert.equal(lines.filter((l) => l.type === 'result').length, 2);

    copyFileSync(referencePath('birds', 'images', birds[2]!), join(library, 'birds', 'added.jpg'));
    await until('the result line of the added file', () =>
      lines.some((l) => l.type === 'result' && l.path === 'birds/added.jpg'),
    );
    await until('the second summary', () => lines.filter((l) => l.type === 'summary').length === 2);
    const second = lines.filter((l) => l.type === 'summary')[1]!;
    assert.deepEqual([second.total, second.processed, second.skipped], [3, 1, 2]);
  } finally {
    child.kill('SIGINT');
  }
  const { code, signal } = await exited;
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
  assert.equal(lines.filter((l) => l.type === 'result').length, 3);
});
