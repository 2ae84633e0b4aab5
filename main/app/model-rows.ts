/**
 * The rows of the models page: every registry model and every model on this machine (opened from
 * a file, imported, trained, int8), each with a visible name that tells it apart from the others
 * and its state. One rule for the name, so the app and `serve` show the same list.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ModelSummary } from '../contract/types.js';
import type { ModelRow } from '../contract/model-types.js';
import { installedModelPath, modelsCacheDir } from '../zoo/fetch/model-cache.js';
import { loadRegistry } from '../zoo/fetch/registry.js';
import type { ModelInstalls } from './model-installs.js';

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function inputText(size: { width: number; height: number }): string {
  return `${size.width}x${size.height}`;
}

/** A local model's name: what it is (architecture, label set, input, precision, trained or not) and which file. */
function localName(summary: ModelSummary, kind: ModelRow['kind']): string {
  const precision = summary.int8 ? 'int8' : 'fp32';
  const what = `${summary.architecture}, ${summary.labelSet}, ${inputText(summary.inputSize)}, ${precision}${summary.trained ? '' : ', untrained'}`;
  const from = kind === 'int8' ? summary.id : basename(summary.id);
  return `${kind === 'trained' ? 'Trained' : kind === 'int8' ? 'Int8' : 'File'}: ${from} (${what})`;
}

/** Makes names unique: a repeated name gets its id appended (two files can share a base name). */
export function uniqueNames<T extends { id: string; name: string }>(rows: T[]): T[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.name, (counts.get(row.name) ?? 0) + 1);
  return rows.map((row) => ((counts.get(row.name) ?? 0) > 1 ? { ...row, name: `${row.name} [${row.id}]` } : row));
}

/** Every model for the page, registry first; `current` is the library's model id (or path). */
export async function modelRows(options: {
  env: NodeJS.ProcessEnv;
  local: ModelSummary[];
  installs: ModelInstalls;
  current: string | null;
}): Promise<ModelRow[]> {
  const registry = await loadRegistry(options.env);
  const cacheDir = modelsCacheDir(options.env);
  const registryIds = new Set(registry.models.map((entry) => entry.id));
  const rows: ModelRow[] = registry.models.map((entry) => {
    const path = installedModelPath(cacheDir, entry.id);
    const installed = existsSync(path);
    const install = options.installs.stateOf(entry.id);
    const state: ModelRow['state'] = install ? install.state : installed ? 'available' : 'not-downloaded';
    return {
      id: entry.id,
      // Registry titles name architecture, variant (fp16, RSB-A1, V1c…) and label set; the input size completes them.
      name: `${entry.title}, ${inputText(entry.preprocess.input)}`,
      architecture: entry.architecture,
      labelSet: entry.labelSet,
      inputSize: { ...entry.preprocess.input },
      top1: entry.top1,
      sizeBytes: installed ? fileSize(path) : null,
      precision: 'fp32',
      trained: true,
      kind: 'registry',
      state,
      progress: install?.progress ?? null,
      error: install?.error ?? null,
      inUse: options.current === entry.id,
      removable: installed,
    };
  });
  for (const summary of options.local) {
    if (summary.source === 'registry' && registryIds.has(summary.id)) continue;
    const kind: ModelRow['kind'] = summary.int8
      ? 'int8'
      : summary.source === 'file' && summary.id.includes('/trained/')
        ? 'trained'
        : 'file';
    rows.push({
      id: summary.id,
      name: localName(summary, kind),
      architecture: summary.architecture,
      labelSet: summary.labelSet,
      inputSize: { ...summary.inputSize },
      top1: null,
      sizeBytes: summary.source === 'file' ? fileSize(summary.id) : null,
      precision: summary.int8 ? 'int8' : 'fp32',
      trained: summary.trained,
      kind,
      state: summary.available ? 'available' : 'failed',
      progress: null,
      error: summary.available ? null : 'the file is missing',
      inUse: options.current === summary.id,
      removable: false,
    });
  }
  // The same file listed twice (opened and also found in the cache) is one model.
  const seen = new Set<string>();
  const distinct = rows.filter((row) => (seen.has(row.id) ? false : (seen.add(row.id), true)));
  // The library's model first, then what is ready on this machine, then what can be downloaded.
  const rank = (row: ModelRow) => (row.inUse ? 0 : row.state === 'available' ? 1 : 2);
  return uniqueNames(
    distinct
      .map((row, index) => ({ row, index }))
      .sort((a, b) => rank(a.row) - rank(b.row) || a.index - b.index)
      .map(({ row }) => row),
  );
}
