// Fetches better-sqlite3's prebuilt addon for this project's Electron version into
// .cache/electron-native/, beside (not instead of) the Node build in node_modules. The desktop app
// loads it through FIELDMARK_SQLITE_BINDING, so `npm start` and `npm test` / the CLI work from the
// same node_modules without rebuilding back and forth. (sharp and onnxruntime-node use N-API and
// load in both.) Packaged builds do not need this: electron-builder rebuilds native modules.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqlitePackage = dirname(require.resolve('better-sqlite3/package.json'));
export const bindingPath = join(
  root,
  '.cache',
  'electron-native',
  `better_sqlite3-electron-${electronVersion}-${process.platform}-${process.arch}.node`,
);

export function ensureElectronSqlite() {
  if (existsSync(bindingPath)) return bindingPath;
  const work = mkdtempSync(join(tmpdir(), 'fieldmark-native-'));
  try {
    copyFileSync(join(sqlitePackage, 'package.json'), join(work, 'package.json'));
    const prebuild = require.resolve('prebuild-install/bin.js');
    const args = [
      prebuild,
      '--runtime',
      'electron',
      '--target',
      electronVersion,
      '--arch',
      process.arch,
      '--platform',
      process.platform,
    ];
    const run = spawnSync(process.execPath, args, { cwd: work, stdio: 'inherit' });
    const built = join(work, 'build', 'Release', 'better_sqlite3.node');
    if (run.status !== 0 || !existsSync(built)) {
      throw new Error(
        `could not fetch better-sqlite3 for Electron ${electronVersion} (prebuild-install exit ${run.status}); ` +
          'alternatively run "npx electron-builder install-app-deps" (and "npm rebuild better-sqlite3" before using the CLI again)',
      );
    }
    mkdirSync(dirname(bindingPath), { recursive: true });
    copyFileSync(built, bindingPath);
    return bindingPath;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensureElectronSqlite());
}
