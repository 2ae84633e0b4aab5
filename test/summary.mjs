// `npm test` after the build: runs the two standard runners in turn (Node's test runner over the
// unit and engine suites, from the TypeScript sources under tsx; Playwright Test over the
// end-to-end suite) and ends with one `N passed, N failed, N skipped` line covering both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run <script>` with output shown; returns the counts its reporter left in `file`. */
function runSuite(script, env, file, readCounts) {
  rmSync(file, { force: true });
  const run = spawnSync(npm, ['run', '--silent', script], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (!existsSync(file)) {
    // The runner died before reporting (a crash, a syntax error): count the whole suite as one failure.
    process.stdout.write(`\n# ${script}: no results (exit ${run.status ?? run.signal})\n`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  return readCounts(JSON.parse(readFileSync(file, 'utf8')));
}

const nodeFile = join(results, 'node-counts.json');
const node = runSuite('test:node', { FIELDMARK_TEST_COUNTS: nodeFile }, nodeFile, (counts) => counts);

const e2eFile = join(results, 'e2e-results.json');
const e2e = runSuite('test:e2e', { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eFile }, e2eFile, ({ stats }) => ({
  passed: stats.expected + stats.flaky,
  failed: stats.unexpected,
  skipped: stats.skipped,
}));

const passed = node.passed + e2e.passed;
const failed = node.failed + e2e.failed;
const skipped = node.skipped + e2e.skipped;
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 ? 1 : 0;
