/**
 * Fieldmark's preprocessing against the mmpretrain test pipelines rebuilt with OpenCV 4.6.0 and
 * Pillow 9.4 (../shared/reference/expected/preprocess_reference.json and its PNG crops).
 *
 * Thresholds: the exact path (shrinkOnLoad: false) is bit-exact here (0 differing values over
 * 39 crops). For PNG sources decoding is lossless and deterministic, so they must match exactly
 * (this is what pins OpenCV's fixed-point rounding: computing the vertical pass with the scalar
 * formula everywhere instead of emulating the SIMD one already gives a mean of ~0.1 with max 1).
 * JPEG sources may differ by the IDCT of another libjpeg build after a sharp upgrade (±1 on some
 * pixels), so they are allowed a mean of 0.25/255; a real mistake in geometry, interpolation or
 * channel order gives mean differences of several levels.
 * The default path shrinks big JPEGs on load; of these photos only hubble_deep_field (1000x872,
 * 3.4x the 293x256 resize) takes it, and on that star field cv2's non-antialiased resize differs
 * most: measured 4.37 (cv2) and 0.60 (pillow), asserted below 5 and 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { preparePixels, prepareImage } from '../../main/engine/preprocess/index.js';
import type { PreprocessSpec } from '../../main/zoo/onnx/model-metadata.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../main/zoo/onnx/model-metadata.js';
import { referencePath } from '../helpers/paths.js';

interface ReferenceResult {
  image: string;
  pipeline: 'in1k_cv2' | 'in1k_pillow' | 'cub448_cv2';
  decoded_hw_after_exif: [number, number];
  resized_wh: [number, number];
  crop_box_xyxy_inclusive: [number, number, number, number];
  output_png: string;
  output_hw: [number, number];
  normalized_channel_mean: [number, number, number];
}

const common = {
  mean: [...IMAGENET_MEAN] as [number, number, number],
  std: [...IMAGENET_STD] as [number, number, number],
};
const specs: Record<ReferenceResult['pipeline'], PreprocessSpec> = {
  in1k_cv2: {
    resize: { kind: 'short-edge', size: 256, backend: 'cv2' },
    crop: { width: 224, height: 224 },
    input: { width: 224, height: 224 },
    ...common,
  },
  in1k_pillow: {
    resize: { kind: 'short-edge', size: 256, backend: 'pillow' },
    crop: { width: 224, height: 224 },
    input: { width: 224, height: 224 },
    ...common,
  },
  cub448_cv2: {
    resize: { kind: 'fixed', width: 600, height: 600, backend: 'cv2' },
    crop: { width: 448, height: 448 },
    input: { width: 448, height: 448 },
    ...common,
  },
};

const reference = JSON.parse(readFileSync(referencePath('expected', 'preprocess_reference.json'), 'utf8')) as {
  results: ReferenceResult[];
};

async function referencePixels(result: ReferenceResult): Promise<Uint8Array> {
  const { data, info } = await sharp(referencePath(result.output_png))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.height, info.width], result.output_hw);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  assert.equal(a.length, b.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

test('the reference covers 13 photos x 3 pipelines', () => {
  assert.equal(reference.results.length, 39);
  assert.equal(new Set(reference.results.map((r) => r.image)).size, 13);
});

for (const pipeline of Object.keys(specs) as ReferenceResult['pipeline'][]) {
  const results = reference.results.filter((r) => r.pipeline === pipeline);

  test(`${pipeline}: exact path matches geometry, crops and channel means of all ${results.length} references`, async () => {
    const diffs: number[] = [];
    let worst = 0;
    for (const result of results) {
      const file = readFileSync(referencePath(result.image));
      const prepared = await preparePixels(file, specs[pipeline], { shrinkOnLoad: false });
      const { plan } = prepared;
      const [x1, y1, x2, y2] = result.crop_box_xyxy_inclusive;
      assert.deepEqual(
        [plan.source.height, plan.source.width],
        result.decoded_hw_after_exif,
        `${result.image} decoded size`,
      );
      assert.deepEqual([plan.resized.width, plan.resized.height], result.resized_wh, `${result.image} resize size`);
      assert.deepEqual(
        [plan.crop.x, plan.crop.y, plan.crop.x + plan.crop.width - 1, plan.crop.y + plan.crop.height - 1],
        [x1, y1, x2, y2],
        `${result.image} crop box`,
      );
      assert.equal(plan.finalResize, null);

      const { mean, max } = meanAbsDiff(prepared.pixels, await referencePixels(result));
      diffs.push(mean);
      worst = Math.max(worst, max);
      if (result.image.endsWith('.png'))
        assert.equal(max, 0, `${result.image}: lossless source must match exactly (mean ${mean})`);
      else assert.ok(mean <= 0.25, `${result.image}: mean abs diff ${mean.toFixed(4)} exceeds 0.25`);

      const { tensor } = await prepareImage(file, specs[pipeline], { shrinkOnLoad: false });
      const plane = result.output_hw[0] * result.output_hw[1];
      assert.equal(tensor.length, 3 * plane);
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let i = c * plane; i < (c + 1) * plane; i++) sum += tensor[i]!;
        const channelMean = sum / plane;
        assert.ok(
          Math.abs(channelMean - result.normalized_channel_mean[c]!) < 5e-4,
          `${result.image} channel ${c} mean ${channelMean} vs ${result.normalized_channel_mean[c]}`,
        );
      }
    }
    const average = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    console.log(
      `${pipeline} exact: mean abs diff max ${Math.max(...diffs).toFixed(4)}, average ${average.toFixed(4)}, largest single difference ${worst} over ${diffs.length} images`,
    );
  });

  test(`${pipeline}: default path (shrink-on-load for big JPEGs) stays close to the references`, async () => {
    const limit = pipeline === 'in1k_cv2' ? 5 : 1;
    const lines: string[] = [];
    for (const result of results) {
      const prepared = await preparePixels(readFileSync(referencePath(result.image)), specs[pipeline]);
      const { mean } = meanAbsDiff(prepared.pixels, await referencePixels(result));
      const shrunk = prepared.decoded.width !== prepared.plan.source.width;
      if (shrunk) lines.push(`${result.image.split('/').pop()} ${mean.toFixed(3)}`);
      assert.ok(
        mean <= (shrunk ? limit : 0.25),
        `${result.image}: mean abs diff ${mean.toFixed(4)} (shrink-on-load ${shrunk})`,
      );
    }
    console.log(
      `${pipeline} default: images decoded with shrink-on-load and their mean abs diff: ${lines.join(', ') || 'none'}`,
    );
  });
}
