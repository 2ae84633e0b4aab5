// `npm start`: the desktop app from this checkout, with the SQLite addon built for Electron.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronSqlite } from './electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electron = createRequire(import.meta.url)('electron'); // the path of the Electron binary
const child = spawn(electron, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FIELDMARK_SQLITE_BINDING: ensureElectronSqlite() },
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
