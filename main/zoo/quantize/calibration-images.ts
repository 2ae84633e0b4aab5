/**
 * The user's images for calibration and for the accuracy check: listed from one folder (not
 * recursive), shuffled with a fixed seed so a folder sorted by date or class still gives a mixed
 * sample, split into calibration and held-out images, and preprocessed exactly as inference does
 * (`prepareImage` with the model's own spec).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hasImageExtension } from '../../engine/scan/index.js';
import { prepareImage } from '../../engine/preprocess/index.js';
import { FieldmarkError, toErrorData } from '../../util/errors.js';
import type { PreprocessSpec } from '../onnx/model-metadata.js';

export interface ImageSplit {
  calibration: string[];
  heldOut: string[];
}

/** Deterministic Fisher-Yates shuffle (LCG, seed 1): the same folder always gives the same split. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let state = 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * `calibrationCount` images for calibration and up to `checkCount` others (null: all the rest).
 * @throws FieldmarkError NotFound when the folder is missing, InvalidArgument when it has too few images.
 */
export async function splitCalibrationImages(
  folder: string,
  calibrationCount: number,
  checkCount: number | null,
): Promise<ImageSplit> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true }))
      .filter((e) => e.isFile() && hasImageExtension(e.name))
      .map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new FieldmarkError('NotFound', `calibration folder ${folder} does not exist`);
    throw new FieldmarkError('ReadFailed', `could not list calibration folder ${folder}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (names.length < 2) {
    throw new FieldmarkError(
      'InvalidArgument',
      `calibration folder ${folder}: expected at least 2 images (some to calibrate, some to check), received ${names.length}`,
    );
  }
  const files = shuffled(names.sort()).map((name) => join(folder, name));
  // Keep at least one image for the check even when the folder is small.
  const calibration = files.slice(0, Math.min(calibrationCount, files.length - 1));
  const rest = files.slice(calibration.length);
  return { calibration, heldOut: checkCount === null ? rest : rest.slice(0, checkCount) };
}

export interface PreparedSet {
  files: string[];
  /** N x 3 x H x W float32, in the order of `files`. */
  tensors: Float32Array[];
  skipped: string[];
}

/** Preprocesses `files` for the model (two in flight, like the pipeline); unreadable images are skipped and named. */
export async function prepareImages(
  files: string[],
  spec: PreprocessSpec,
  onProgress?: (done: number) => void,
): Promise<PreparedSet> {
  const results: Array<Float32Array | string> = new Array(files.length);
  let next = 0;
  let done = 0;
  const work = async (): Promise<void> => {
    while (next < files.length) {
      const index = next;
      next += 1;
      const file = files[index] as string;
      try {
        results[index] = (await prepareImage(await readFile(file), spec)).tensor;
      } catch (error) {
        results[index] = `${file}: ${toErrorData(error).message}`;
      }
      done += 1;
      onProgress?.(done);
    }
  };
  await Promise.all([work(), work()]);
  const set: PreparedSet = { files: [], tensors: [], skipped: [] };
  results.forEach((result, i) => {
    if (typeof result === 'string') set.skipped.push(result);
    else {
      set.files.push(files[i] as string);
      set.tensors.push(result);
    }
  });
  return set;
}
