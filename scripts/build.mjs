// Builds the product into dist/: the engine, CLI and bench transpiled file by file
// (ESM, so worker threads and dynamic imports keep their paths), the preload as one CommonJS
// bundle (Electron's sandboxed preload cannot be ESM), and the renderer as one browser bundle.
// Type checking is separate (`npm run typecheck`): esbuild only strips types, which keeps this fast.
import { build } from 'esbuild';
import { readdirSync, statSync, mkdirSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// FIELDMARK_DIST lets several people (or agents) build side by side without clobbering dist/.
const out = join(root, process.env.FIELDMARK_DIST ?? 'dist');

function listFiles(dir, accept) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...listFiles(full, accept));
    else if (accept(name)) found.push(full);
  }
  return found;
}

const isTs = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts');
if (process.argv.includes('--clean')) rmSync(out, { recursive: true, force: true });

// Tests run from their TypeScript sources (tsx); only test/helpers is built, for the benchmarks.
const nodeEntries = ['main', 'bench', join('test', 'helpers')].flatMap((d) => listFiles(join(root, d), isTs));
await build({
  entryPoints: nodeEntries,
  outdir: out,
  outbase: root,
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});

const preloadEntry = join(root, 'preload', 'index.ts');
if (existsSync(preloadEntry)) {
  await build({
    entryPoints: [preloadEntry],
    outfile: join(out, 'preload', 'index.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning',
  });
}

const rendererEntry = join(root, 'renderer', 'main.tsx');
if (existsSync(rendererEntry) && process.env.FIELDMARK_SKIP_RENDERER !== '1') {
  await build({
    entryPoints: [rendererEntry],
    outfile: join(out, 'renderer', 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    jsx: 'automatic',
    sourcemap: 'linked',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.css': 'css' },
    logLevel: 'warning',
  });
  for (const file of listFiles(join(root, 'renderer', 'static'), () => true)) {
    const target = join(out, 'renderer', relative(join(root, 'renderer', 'static'), file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
}
