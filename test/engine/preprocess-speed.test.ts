/**
 * Decode + preprocess time per image for ~1 MP and 12 MP JPEGs (made here from the 4032x3024
 * reference photo and from a mosaic of ImageNet photos at native resolution, which has the
 * fine detail real camera photos have), and how far the shrink-on-load path strays from the
 * exact path. Prints ms/image; asserts only what holds on any machine.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { preparePixels, type PrepareOptions } from '../../main/engine/preprocess/index.js';
import { IMAGENET_MEAN, IMAGENET_STD, type PreprocessSpec } from '../../main/zoo/onnx/model-metadata.js';
import { referencePath, tempDir } from '../helpers/paths.js';

const spec = (backend: 'cv2' | 'pillow'): PreprocessSpec => ({
  resize: { kind: 'short-edge', size: 256, backend },
  crop: { width: 224, height: 224 },
  input: { width: 224, height: 224 },
  mean: [...IMAGENET_MEAN],
  std: [...IMAGENET_STD],
});

const dir = tempDir('preprocess-speed');
const files: Record<string, Buffer> = {};
let previousConcurrency = 0;

before(async () => {
  // As in the pipeline: one libvips thread per decode, two decodes in flight on two cores.
  previousConcurrency = sharp.concurrency();
  sharp.concurrency(1);
  const coffee = readFileSync(referencePath('photos', 'large_4032x3024_upscaled_coffee.jpg'));
  files['coffee 4032x3024'] = coffee;
  files['coffee 1280x853'] = await sharp(coffee).resize(1280, 853, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
  const samples = referencePath('imagenet_samples', 'images');
  const names = readdirSync(samples).sort();
  const tiles: OverlayOptions[] = [];
  let index = 0;
  for (let top = 0; top < 3024; top += 375) {
    for (let left = 0; left < 4032; left += 500) {
      const input = await sharp(join(samples, names[(index++ * 7) % names.length]!))
        .autoOrient()
        .resize(500, 375, { fit: 'cover' })
        .removeAlpha()
        .toColourspace('srgb')
        .toBuffer();
      tiles.push({ input, left, top });
    }
  }
  const mosaic = await sharp({ create: { width: 4032, height: 3024, channels: 3, background: '#808080' } })
    .composite(tiles)
    .jpeg({ quality: 90 })
    .toBuffer();
  files['mosaic 4032x3024'] = mosaic;
  files['mosaic 1280x960'] = await sharp(mosaic).resize(1280, 960, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
  // A portrait camera file: stored landscape with EXIF orientation 6.
  files['coffee 4032x3024 exif6'] = await sharp(coffee)
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
  writeFileSync(
    join(dir.path, 'sizes.json'),
    JSON.stringify(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.length]))),
  );
});

after(() => {
  sharp.concurrency(previousConcurrency);
  dir.cleanup();
});

async function timePerImage(
  file: Buffer,
  backend: 'cv2' | 'pillow',
  options: PrepareOptions,
  runs: number,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await preparePixels(file, spec(backend), options);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

test('decode + preprocess time per image (median), default path vs exact path', async () => {
  const lines: string[] = [];
  for (const name of ['coffee 1280x853', 'mosaic 1280x960', 'coffee 4032x3024', 'mosaic 4032x3024']) {
    const file = files[name]!;
    const runs = name.includes('4032') ? 3 : 7;
    for (const backend of ['cv2', 'pillow'] as const) {
      const fast = await timePerImage(file, backend, {}, runs);
      const exact = await timePerImage(file, backend, { shrinkOnLoad: false }, runs);
      const diff = meanAbsDiff(
        (await preparePixels(file, spec(backend))).pixels,
        (await preparePixels(file, spec(backend), { shrinkOnLoad: false })).pixels,
      );
      lines.push(
        `${name.padEnd(17)} ${backend.padEnd(6)} default ${fast.toFixed(1).padStart(6)} ms  exact ${exact.toFixed(1).padStart(6)} ms  crop mean abs diff ${diff.toFixed(2)}`,
      );
      if (name.includes('4032'))
        assert.ok(
          fast < exact,
          `${name} ${backend}: shrink-on-load (${fast} ms) should beat a full decode (${exact} ms)`,
        );
      // Pillow antialiases like sharp's linear kernel, so the shrunk path stays close.
      if (backend === 'pillow') assert.ok(diff < 2.5, `${name} pillow diff ${diff}`);
      // cv2 does not antialias: only smooth content stays close (detailed content is measured, not asserted).
      if (backend === 'cv2' && name.startsWith('coffee')) assert.ok(diff < 3.5, `${name} cv2 diff ${diff}`);
    }
  }
  console.log(`preprocess timings (sharp.concurrency(1)):\n${lines.join('\n')}`);
});

test('shrink-on-load of an EXIF-rotated big JPEG gives the oriented geometry', async () => {
  const rotated = await preparePixels(files['coffee 4032x3024 exif6']!, spec('cv2'));
  assert.deepEqual(rotated.plan.source, { width: 3024, height: 4032 });
  assert.deepEqual(rotated.plan.resized, { width: 256, height: 341 });
  assert.deepEqual(rotated.decoded, { width: 256, height: 341 }, 'sharp was asked for the oriented resize size');
  const exact = await preparePixels(files['coffee 4032x3024 exif6']!, spec('cv2'), { shrinkOnLoad: false });
  assert.equal(exact.decoded.width, 3024);
  assert.ok(meanAbsDiff(rotated.pixels, exact.pixels) < 3.5);
});

test('a truncated big JPEG fails with DecodeFailed on the shrink-on-load path too', async () => {
  const big = files['mosaic 4032x3024']!;
  for (const fraction of [0.6, 0.99]) {
    await assert.rejects(
      preparePixels(big.subarray(0, Math.floor(big.length * fraction)), spec('cv2')),
      (error: unknown) => {
        assert.equal((error as { kind?: string }).kind, 'DecodeFailed');
        assert.match((error as Error).message, /truncated or corrupt/);
        return true;
      },
    );
  }
});
