/**
 * Where the running code sits, in either of its two layouts: built JavaScript (dist/ or
 * dist-NAME/, and the packaged app) or the TypeScript sources themselves, run under the tsx loader
 * (the tests). Paths that depend on the layout are computed here, from this file's own place,
 * instead of by counting `../` in each caller.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const here = import.meta.url;
/** True when this module was loaded from its .ts source (tests run under tsx). */
const fromSources = here.endsWith('.ts');

/** The repository (or unpacked app) root: the folder that holds package.json and models/. */
export const packageRoot = fileURLToPath(new URL(fromSources ? '../../' : '../../../', here));

/**
 * The folder of the build that holds the renderer bundle: the build this code runs from, or
 * (from sources) the build of FIELDMARK_DIST (default dist/) that `npm test` makes first.
 */
export function buildRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (!fromSources) return fileURLToPath(new URL('../../', here));
  return join(packageRoot, env.FIELDMARK_DIST ?? 'dist');
}

/**
 * Starts a worker thread on the module `name` beside the caller (`callerUrl` is the caller's
 * import.meta.url). From sources, the worker first registers tsx: worker threads do not inherit
 * the loader that `node --import tsx` gave the main thread.
 */
export function startSiblingWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const source = callerUrl.endsWith('.ts');
  const moduleUrl = new URL(`./${name}${source ? '.ts' : '.js'}`, callerUrl);
  if (!source) return new Worker(moduleUrl, options);
  return new Worker(new URL('./ts-worker-entry.mjs', here), {
    ...options,
    argv: [...(options.argv ?? []), moduleUrl.href],
  });
}
