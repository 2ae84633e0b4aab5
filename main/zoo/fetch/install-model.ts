/**
 * Installs registry models into the cache: download (or take a file fetched by hand), verify,
 * convert once to ONNX; and lists what the registry offers and what is installed.
 */
import { FieldmarkError } from '../../util/errors.js';
import { isFile } from '../../util/is-file.js';
import { convertCheckpoint, type ConvertResult } from '../checkpoint/convert-checkpoint.js';
import { downloadFile, sha256File } from './download.js';
import { checkpointCachePath, installedModelPath, modelsCacheDir } from './model-cache.js';
import { loadRegistry, requireRegistryEntry, type RegistryEntry } from './registry.js';

export interface InstallOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder of converted models (default: the user's cache; FIELDMARK_CACHE_DIR honoured). */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (received: number, total: number | null) => void;
  /** Convert again even when the model is installed. */
  force?: boolean;
}

export interface InstallResult {
  id: string;
  path: string;
  /** False when the model was already installed and nothing was done. */
  converted: boolean;
  downloaded: boolean;
  conversion: ConvertResult | null;
}

function checkpointFileName(entry: RegistryEntry): string {
  return decodeURIComponent(new URL(entry.checkpoint.url).pathname.split('/').pop() ?? `${entry.id}.pth`);
}

/** What to tell someone who cannot download a model. */
export function manualInstallHint(entry: RegistryEntry): string {
  return `Fetch ${entry.checkpoint.url} by other means and run "fieldmark models import <file> --like ${entry.id}".`;
}

/**
 * Downloads (unless already cached), verifies and converts registry model `id`.
 * @throws FieldmarkError InvalidArgument (unknown id), Offline, DownloadFailed, ChecksumMismatch, CheckpointInvalid.
 */
export async function installModel(id: string, options: InstallOptions = {}): Promise<InstallResult> {
  const env = options.env ?? process.env;
  const entry = await requireRegistryEntry(id, env);
  const cacheDir = options.cacheDir ?? modelsCacheDir(env);
  const modelPath = installedModelPath(cacheDir, entry.id);
  if (!options.force && (await isFile(modelPath)))
    return { id: entry.id, path: modelPath, converted: false, downloaded: false, conversion: null };
  const checkpoint = checkpointCachePath(cacheDir, checkpointFileName(entry));
  let downloaded = false;
  if (!(await isFile(checkpoint))) {
    await downloadFile({
      url: entry.checkpoint.url,
      destination: checkpoint,
      sha256Prefix: entry.checkpoint.sha256Prefix,
      env,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      offlineHint: manualInstallHint(entry),
    });
    downloaded = true;
  }
  const conversion = await convertCheckpoint({ checkpointPath: checkpoint, outPath: modelPath, like: entry.id, env });
  return { id: entry.id, path: modelPath, converted: true, downloaded, conversion };
}

/**
 * Installs registry model `like` from a checkpoint file the user fetched by hand.
 * @throws FieldmarkError ChecksumMismatch when the file is not the registry's checkpoint (unless `allowOtherFile`).
 */
export async function importModel(
  file: string,
  like: string,
  options: InstallOptions & { allowOtherFile?: boolean } = {},
): Promise<InstallResult> {
  const env = options.env ?? process.env;
  const entry = await requireRegistryEntry(like, env);
  if (!(await isFile(file))) throw new FieldmarkError('NotFound', `checkpoint ${file} does not exist`);
  const sha256 = await sha256File(file);
  if (!options.allowOtherFile && !sha256.startsWith(entry.checkpoint.sha256Prefix)) {
    throw new FieldmarkError(
      'ChecksumMismatch',
      `checkpoint ${file} has SHA-256 ${sha256.slice(0, 16)}..., but ${entry.id} expects one starting with ${entry.checkpoint.sha256Prefix} ` +
        `(${entry.checkpoint.url}); to convert a different file use "fieldmark models convert"`,
    );
  }
  const cacheDir = options.cacheDir ?? modelsCacheDir(env);
  const modelPath = installedModelPath(cacheDir, entry.id);
  const conversion = await convertCheckpoint({ checkpointPath: file, outPath: modelPath, like: entry.id, env });
  return { id: entry.id, path: modelPath, converted: true, downloaded: false, conversion };
}

export interface ListedModel {
  entry: RegistryEntry;
  installed: boolean;
  path: string;
  isDefault: boolean;
}

/** Every registry model with whether it is installed in `cacheDir`. */
export async function listModels(options: { env?: NodeJS.ProcessEnv; cacheDir?: string } = {}): Promise<ListedModel[]> {
  const env = options.env ?? process.env;
  const registry = await loadRegistry(env);
  const cacheDir = options.cacheDir ?? modelsCacheDir(env);
  return Promise.all(
    registry.models.map(async (entry) => {
      const path = installedModelPath(cacheDir, entry.id);
      return { entry, installed: await isFile(path), path, isDefault: entry.id === registry.defaultModel };
    }),
  );
}
