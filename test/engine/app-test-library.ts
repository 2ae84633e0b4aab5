/**
 * A small library for the app and server tests: 12 birds, one EXIF-rotated photo, one broken
 * file, a CIFAR-input model built with seeded weights, and private app folders. An AppService
 * over it, and a helper to wait for the indexing job to end.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppService } from '../../main/app/app-service.js';
import { defaultModelProvider } from '../../main/app/default-model-provider.js';
import type { AppEvent } from '../../main/contract/events.js';
import type { IndexingStatus } from '../../main/contract/types.js';
import { buildSeededModel } from '../../main/zoo/resnet/build-model.js';
import { makeTempDir, referencePath } from '../fixtures/zoo-helpers.js';

export const BIRDS = 12;
export const ROTATED_PHOTO = 'photos/chelsea_exif_orientation_6.jpg';
export const BROKEN_PHOTO = 'photos/not_an_image.jpg';

export interface TestLibrary {
  dir: string;
  library: string;
  modelPath: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function makeTestLibrary(name: string): Promise<TestLibrary> {
  const { dir, cleanup } = await makeTempDir(name);
  const library = join(dir, 'library');
  await mkdir(join(library, 'birds'), { recursive: true });
  await mkdir(join(library, 'photos'), { recursive: true });
  const birds = (await readdir(referencePath('birds', 'images')))
    .filter((file) => file.endsWith('.jpg'))
    .sort()
    .slice(0, BIRDS);
  for (const file of birds) await copyFile(referencePath('birds', 'images', file), join(library, 'birds', file));
  for (const relPath of [ROTATED_PHOTO, BROKEN_PHOTO])
    await copyFile(referencePath(...relPath.split('/')), join(library, relPath));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FIELDMARK_USER_DATA: join(dir, 'user-data'),
    FIELDMARK_CACHE_DIR: join(dir, 'cache'),
    FIELDMARK_DATA_DIR: join(dir, 'data'),
  };
  const modelPath = join(dir, 'model.onnx');
  await buildSeededModel({ architecture: 'resnet18-cifar', classes: 'cifar10', seed: 3, outPath: modelPath, env });
  return { dir, library, modelPath, env, cleanup };
}

export function makeService(fixture: TestLibrary, events: AppEvent[] = []): AppService {
  const service = new AppService({
    paths: { userDataDir: join(fixture.dir, 'user-data'), cacheDir: join(fixture.dir, 'cache') },
    env: fixture.env,
    version: '0.0.0-test',
    transport: 'web',
    models: defaultModelProvider({ cwd: fixture.dir, env: fixture.env }),
    overrides: { modelId: fixture.modelPath, batchSize: 4, threads: 1 },
    log: () => undefined,
  });
  service.onEvent((event) => events.push(event));
  return service;
}

/**
 * Resolves with the final status once a job finishes, fails or is cancelled. With `nextJob`, only
 * events from now count (call it before starting the job, so its end cannot be missed).
 */
export function jobEnd(
  service: AppService,
  options: { nextJob?: boolean; timeoutMs?: number } = {},
): Promise<IndexingStatus> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`indexing did not end within ${timeoutMs} ms`)), timeoutMs);
    const check = (status: IndexingStatus) => {
      if (status.state === 'finished' || status.state === 'failed' || status.state === 'cancelled') {
        clearTimeout(timer);
        unsubscribe();
        resolve(status);
      }
    };
    const unsubscribe = service.onEvent((event) => {
      if (event.type === 'indexing') check(event.status);
    });
    if (!options.nextJob) check(service.indexingStatus());
  });
}

/** Opens `library` in the service; resolves with the status its indexing job ended in. */
export async function openAndIndex(service: AppService, library: string): Promise<IndexingStatus> {
  const ended = jobEnd(service, { nextJob: true });
  await service.openLibrary(library);
  return ended;
}
