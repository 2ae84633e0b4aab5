/**
 * The end-to-end fixture: a temporary folder with a photo library made from ../shared/reference
 * (40 birds, real photos with EXIF, three broken files, 500 small CIFAR images so indexing runs
 * long enough to pause), a model built with `fieldmark models build`, and private user-data,
 * cache and catalog folders. Failures keep a screenshot, a trace and the logs (e2e-test.ts).
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, referencePath } from '../fixtures/zoo-helpers.js';
import { runFieldmark } from '../helpers/cli.js';

export const BIRD_COUNT = 40;
export const CIFAR_COUNT = 500;
export const GOOD_PHOTOS = [
  'chelsea.png',
  'coffee.png',
  'astronaut.png',
  'rocket.jpg',
  'coffee_exif6_with_camera_metadata.jpg',
  'chelsea_exif_orientation_6.jpg',
  'tall_200x2000.jpg',
  'panorama_3000x300.jpg',
];
export const BROKEN_PHOTOS = ['zero_bytes.jpg', 'not_an_image.jpg', 'coffee_truncated_60pct.jpg'];
export const EXPECTED_TOTAL = BIRD_COUNT + CIFAR_COUNT + GOOD_PHOTOS.length + BROKEN_PHOTOS.length;
export const EXPECTED_FAILED = BROKEN_PHOTOS.length;
export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

export interface E2eFixture {
  dir: string;
  library: string;
  modelPath: string;
  /** Environment for the app: private user data, cache and catalog folders. */
  env: NodeJS.ProcessEnv;
  /** Files in the library (EXPECTED_TOTAL unless `cifarCount` changed it). */
  total: number;
  cleanup(): Promise<void>;
}

/**
 * `model: 'seeded'` (default) builds an untrained resnet18-cifar: slow enough per image that the
 * indexing can be paused. `model: 'akamaster-r20'` converts the real pretrained CIFAR-10 ResNet-20
 * from ../shared/reference/weights, for a screenshot whose predictions mean something.
 */
export async function createFixture(
  target: string,
  options: { model?: 'seeded' | 'akamaster-r20' | 'seeded-cub'; cifarCount?: number } = {},
): Promise<E2eFixture> {
  const { dir, cleanup } = await makeTempDir(`e2e-${target}`);
  const library = join(dir, 'photos');
  await mkdir(join(library, 'birds'), { recursive: true });
  await mkdir(join(library, 'photos'), { recursive: true });
  await mkdir(join(library, 'cifar'), { recursive: true });
  const birds = (await readdir(referencePath('birds', 'images')))
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .slice(0, BIRD_COUNT);
  await Promise.all(
    birds.map((name) => copyFile(referencePath('birds', 'images', name), join(library, 'birds', name))),
  );
  for (const name of [...GOOD_PHOTOS, ...BROKEN_PHOTOS])
    await copyFile(referencePath('photos', name), join(library, 'photos', name));
  // Every 20th test image: all ten classes, 500 files.
  const cifarCount = options.cifarCount ?? CIFAR_COUNT;
  const cifar = (await readdir(referencePath('cifar10_test', 'jpg')))
    .sort()
    .filter((_, i) => i % 20 === 0)
    .slice(0, cifarCount);
  await Promise.all(
    cifar.map((name) => copyFile(referencePath('cifar10_test', 'jpg', name), join(library, 'cifar', name))),
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FIELDMARK_USER_DATA: join(dir, 'user-data'),
    FIELDMARK_CACHE_DIR: join(dir, 'cache'),
    FIELDMARK_DATA_DIR: join(dir, 'data'),
  };
  const modelPath = join(dir, 'model.onnx');
  const weights = (await readdir(referencePath('weights'))).find((name) => name.startsWith('resnet20-'));
  // `seeded-cub`: a small (CIFAR-stem) network over the CUB-200 label set, so the label picker
  // shows the bird taxonomy while indexing stays fast.
  const args =
    options.model === 'akamaster-r20'
      ? [
          'models',
          'convert',
          referencePath('weights', weights ?? 'resnet20-missing.th'),
          '--like',
          'akamaster-resnet20_cifar10',
          '--out',
          modelPath,
        ]
      : [
          'models',
          'build',
          '--arch',
          'resnet18-cifar',
          '--classes',
          options.model === 'seeded-cub' ? 'cub200' : 'cifar10',
          '--seed',
          '1',
          '--out',
          modelPath,
        ];
  const build = await runFieldmark(args, env);
  if (build.code !== 0) throw new Error(`models ${args[1]} failed (${build.code}): ${build.stderr}`);
  const total = BIRD_COUNT + cifarCount + GOOD_PHOTOS.length + BROKEN_PHOTOS.length;
  return { dir, library, modelPath, env, total, cleanup };
}
