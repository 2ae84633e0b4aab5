// Runs every test file of dist/test (unit, engine, e2e) under Node's own test runner, one
// process per file, and ends with a single `N passed, N failed, N skipped` line for all suites.
// Usage: node test/run.mjs [substring ...]   (only files whose path contains a substring)
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = join(root, process.env.FIELDMARK_DIST ?? 'dist', 'test');
if (!existsSync(testRoot)) {
  console.error(`no built tests at ${testRoot}: run "npm run build" first`);
  process.exit(1);
}

function listTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...listTests(full));
    else if (name.endsWith('.test.js')) found.push(full);
  }
  return found;
}

const filters = process.argv.slice(2);
// Unit tests first (fast feedback), then engine, then end-to-end.
const tierOrder = (file) => ['unit', 'engine', 'e2e'].findIndex((tier) => relative(testRoot, file).startsWith(tier));
const files = listTests(testRoot)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort((a, b) => tierOrder(a) - tierOrder(b) || a.localeCompare(b));

let passed = 0;
let failed = 0;
let skipped = 0;
const stream = run({ files, concurrency: 1, timeout: 15 * 60 * 1000 });
stream.on('test:pass', (event) => {
  // A skipped suite (e.g. the Electron e2e target without its binary) counts once as skipped.
  if (event.details?.type === 'suite' && !event.skip) return;
  if (event.skip || event.todo) skipped += 1;
  else passed += 1;
});
stream.on('test:fail', (event) => {
  if (event.details?.type === 'suite' && event.details?.error?.failureType !== 'hookFailed') return;
  failed += 1;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  // The spec reporter flushes asynchronously; print the closing line after it.
  setImmediate(() => {
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
});
