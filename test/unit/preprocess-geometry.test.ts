import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  centerCropBox,
  planPreprocess,
  resizeTargetSize,
  roundHalfEven,
  shortEdgeResizeSize,
} from '../../main/engine/preprocess/geometry.js';
import { chooseShrinkOnLoad, sharpJpegShrinkFactor } from '../../main/engine/preprocess/shrink-on-load.js';
import { FieldmarkError } from '../../main/util/errors.js';
import type { PreprocessSpec } from '../../main/zoo/onnx/model-metadata.js';

const mean: [number, number, number] = [123.675, 116.28, 103.53];
const std: [number, number, number] = [58.395, 57.12, 57.375];
const in1k: PreprocessSpec = {
  resize: { kind: 'short-edge', size: 256, backend: 'cv2' },
  crop: { width: 224, height: 224 },
  input: { width: 224, height: 224 },
  mean,
  std,
};
const cub: PreprocessSpec = {
  resize: { kind: 'fixed', width: 600, height: 600, backend: 'cv2' },
  crop: { width: 448, height: 448 },
  input: { width: 448, height: 448 },
  mean,
  std,
};
const cifar: PreprocessSpec = { resize: { kind: 'none' }, crop: null, input: { width: 32, height: 32 }, mean, std };

function invalidArgument(error: unknown): boolean {
  return error instanceof FieldmarkError && error.kind === 'InvalidArgument';
}

test('roundHalfEven rounds ties to even like Python round()', () => {
  assert.equal(roundHalfEven(16.5), 16);
  assert.equal(roundHalfEven(17.5), 18);
  assert.equal(roundHalfEven(34.5), 34);
  assert.equal(roundHalfEven(0.5), 0);
  assert.equal(roundHalfEven(-0.5), 0);
  assert.equal(roundHalfEven(-1.5), -2);
  assert.equal(roundHalfEven(2.4), 2);
  assert.equal(roundHalfEven(2.6), 3);
  assert.equal(roundHalfEven(7), 7);
  assert.throws(() => roundHalfEven(Number.NaN), invalidArgument);
  assert.throws(() => roundHalfEven(Number.POSITIVE_INFINITY), invalidArgument);
});

test('shortEdgeResizeSize truncates the long edge and sends squares to the else branch', () => {
  assert.deepEqual(shortEdgeResizeSize({ width: 640, height: 427 }, 256), { width: 383, height: 256 });
  assert.deepEqual(shortEdgeResizeSize({ width: 1000, height: 872 }, 256), { width: 293, height: 256 });
  assert.deepEqual(shortEdgeResizeSize({ width: 200, height: 2000 }, 256), { width: 256, height: 2560 });
  assert.deepEqual(shortEdgeResizeSize({ width: 3000, height: 300 }, 256), { width: 2560, height: 256 });
  assert.deepEqual(shortEdgeResizeSize({ width: 512, height: 512 }, 256), { width: 256, height: 256 });
  assert.deepEqual(shortEdgeResizeSize({ width: 8, height: 8 }, 256), { width: 256, height: 256 });
  // 451x300 (chelsea): int(256*451/300) = int(384.85...) = 384
  assert.deepEqual(shortEdgeResizeSize({ width: 451, height: 300 }, 256), { width: 384, height: 256 });
  // Portrait of the same: w < h branch.
  assert.deepEqual(shortEdgeResizeSize({ width: 300, height: 451 }, 256), { width: 256, height: 384 });
});

test('shortEdgeResizeSize rejects sizes and scales that are not positive integers', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => shortEdgeResizeSize({ width: bad, height: 10 }, 256), invalidArgument);
    assert.throws(() => shortEdgeResizeSize({ width: 10, height: bad }, 256), invalidArgument);
    assert.throws(() => shortEdgeResizeSize({ width: 10, height: 10 }, bad), invalidArgument);
  }
});

test('resizeTargetSize follows the rule kind', () => {
  assert.deepEqual(resizeTargetSize(cub.resize, { width: 1000, height: 10 }), { width: 600, height: 600 });
  assert.deepEqual(resizeTargetSize(cifar.resize, { width: 40, height: 30 }), { width: 40, height: 30 });
  assert.deepEqual(resizeTargetSize(in1k.resize, { width: 640, height: 427 }), { width: 383, height: 256 });
  assert.throws(
    () => resizeTargetSize({ kind: 'fixed', width: 0, height: 600, backend: 'cv2' }, { width: 10, height: 10 }),
    invalidArgument,
  );
  assert.throws(
    () => resizeTargetSize({ kind: 'stretch' } as never, { width: 10, height: 10 }),
    /expected resize kind short-edge, fixed or none but received "stretch"/,
  );
});

test('centerCropBox uses round-half-even offsets and clamps to small images', () => {
  assert.deepEqual(centerCropBox({ width: 293, height: 256 }, { width: 224, height: 224 }), {
    x: 34,
    y: 16,
    width: 224,
    height: 224,
  });
  assert.deepEqual(centerCropBox({ width: 383, height: 256 }, { width: 224, height: 224 }), {
    x: 80,
    y: 16,
    width: 224,
    height: 224,
  });
  assert.deepEqual(centerCropBox({ width: 600, height: 600 }, { width: 448, height: 448 }), {
    x: 76,
    y: 76,
    width: 448,
    height: 448,
  });
  // (257 - 224) / 2 = 16.5 -> 16; (259 - 224) / 2 = 17.5 -> 18
  assert.equal(centerCropBox({ width: 257, height: 224 }, { width: 224, height: 224 }).x, 16);
  assert.equal(centerCropBox({ width: 259, height: 224 }, { width: 224, height: 224 }).x, 18);
  // Smaller than the crop: offset 0 and the box is the image (no padding).
  assert.deepEqual(centerCropBox({ width: 100, height: 300 }, { width: 224, height: 224 }), {
    x: 0,
    y: 38,
    width: 100,
    height: 224,
  });
  assert.deepEqual(centerCropBox({ width: 10, height: 10 }, { width: 224, height: 224 }), {
    x: 0,
    y: 0,
    width: 10,
    height: 10,
  });
  assert.throws(() => centerCropBox({ width: 10, height: 10 }, { width: 0, height: 224 }), invalidArgument);
  assert.throws(() => centerCropBox({ width: -3, height: 10 }, { width: 2, height: 2 }), invalidArgument);
});

test('planPreprocess gives the mmpretrain geometry and fits odd cases to the model input', () => {
  const plan = planPreprocess(in1k, { width: 640, height: 427 });
  assert.deepEqual(plan.resized, { width: 383, height: 256 });
  assert.deepEqual(plan.crop, { x: 80, y: 16, width: 224, height: 224 });
  assert.equal(plan.finalResize, null);
  assert.equal(plan.backend, 'cv2');
  assert.equal(
    planPreprocess({ ...in1k, resize: { kind: 'short-edge', size: 256, backend: 'pillow' } }, { width: 8, height: 8 })
      .backend,
    'pillow',
  );

  // CIFAR: a 32x32 image is used as is; anything else is resized to 32x32 (documented deviation).
  const exact = planPreprocess(cifar, { width: 32, height: 32 });
  assert.deepEqual(exact.crop, { x: 0, y: 0, width: 32, height: 32 });
  assert.equal(exact.finalResize, null);
  const other = planPreprocess(cifar, { width: 451, height: 300 });
  assert.deepEqual(other.resized, { width: 451, height: 300 });
  assert.deepEqual(other.finalResize, { width: 32, height: 32 });

  // A crop larger than the resized image is clamped, then resized to the input size.
  const small = planPreprocess(
    { ...in1k, resize: { kind: 'fixed', width: 100, height: 100, backend: 'cv2' } },
    { width: 640, height: 427 },
  );
  assert.deepEqual(small.crop, { x: 0, y: 0, width: 100, height: 100 });
  assert.deepEqual(small.finalResize, { width: 224, height: 224 });
});

test('planPreprocess rejects invalid specs and sizes', () => {
  assert.throws(() => planPreprocess(in1k, { width: 0, height: 10 }), invalidArgument);
  assert.throws(
    () => planPreprocess({ ...in1k, input: { width: 224, height: 0 } }, { width: 10, height: 10 }),
    invalidArgument,
  );
  assert.throws(
    () => planPreprocess({ ...in1k, crop: { width: 224.5, height: 224 } }, { width: 300, height: 300 }),
    invalidArgument,
  );
  assert.throws(
    () =>
      planPreprocess(
        { ...in1k, resize: { kind: 'short-edge', size: 256, backend: 'magick' as never } },
        { width: 300, height: 300 },
      ),
    /expected resize backend cv2 or pillow but received "magick"/,
  );
  assert.throws(
    () =>
      planPreprocess(
        { ...in1k, resize: { kind: 'short-edge', size: -256, backend: 'cv2' } },
        { width: 300, height: 300 },
      ),
    invalidArgument,
  );
});

test('sharpJpegShrinkFactor mirrors sharp: largest of 8/4/2 below the ratio, halved on integer ratios', () => {
  const target = { width: 100, height: 100 };
  assert.equal(sharpJpegShrinkFactor({ width: 150, height: 150 }, target), 1);
  assert.equal(sharpJpegShrinkFactor({ width: 200, height: 200 }, target), 1); // 2 -> halved
  assert.equal(sharpJpegShrinkFactor({ width: 299, height: 299 }, target), 1); // floor 2 -> halved
  assert.equal(sharpJpegShrinkFactor({ width: 300, height: 300 }, target), 2);
  assert.equal(sharpJpegShrinkFactor({ width: 450, height: 450 }, target), 2); // floor 4 -> halved
  assert.equal(sharpJpegShrinkFactor({ width: 500, height: 500 }, target), 4);
  assert.equal(sharpJpegShrinkFactor({ width: 850, height: 850 }, target), 4); // floor 8 -> halved
  assert.equal(sharpJpegShrinkFactor({ width: 900, height: 900 }, target), 8);
  // The smaller ratio decides.
  assert.equal(sharpJpegShrinkFactor({ width: 4032, height: 3024 }, { width: 341, height: 256 }), 8);
  assert.equal(sharpJpegShrinkFactor({ width: 1280, height: 853 }, { width: 384, height: 256 }), 2);
  assert.equal(sharpJpegShrinkFactor({ width: 4032, height: 3024 }, { width: 600, height: 600 }), 4);
});

test('chooseShrinkOnLoad only shrinks RGB JPEGs at least 3x the resize size', () => {
  const big = { width: 4032, height: 3024 };
  const resized = { width: 341, height: 256 };
  assert.deepEqual(chooseShrinkOnLoad('jpeg', 'srgb', big, resized), { target: resized, jpegFactor: 8 });
  assert.deepEqual(chooseShrinkOnLoad('jpeg', 'b-w', big, resized), { target: resized, jpegFactor: 8 });
  assert.equal(chooseShrinkOnLoad('jpeg', 'cmyk', big, resized), null);
  assert.equal(chooseShrinkOnLoad('png', 'srgb', big, resized), null);
  assert.equal(chooseShrinkOnLoad('jpeg', 'srgb', { width: 640, height: 427 }, { width: 383, height: 256 }), null);
  assert.equal(chooseShrinkOnLoad('jpeg', 'srgb', { width: 32, height: 32 }, { width: 32, height: 32 }), null);
});
