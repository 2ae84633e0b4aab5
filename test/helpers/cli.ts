/** Runs the `fieldmark` command (from the sources, see fieldmark-cli.ts) in a child process, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const fieldmarkFromSources = join(repoRoot, 'test', 'helpers', 'fieldmark-cli.ts');

/** Node arguments that run `fieldmark args` from the sources. */
export function fieldmarkNodeArgs(args: string[]): string[] {
  return ['--import', 'tsx', fieldmarkFromSources, ...args];
}

/** A TypeScript file run as its own Node process (a test's helper script). */
export function tsNodeArgs(file: string, args: string[]): string[] {
  return ['--import', 'tsx', file, ...args];
}

export function spawnFieldmark(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, fieldmarkNodeArgs(args), {
    cwd: repoRoot,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runFieldmark(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child = spawnFieldmark(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Parses --json output: one object per line. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
