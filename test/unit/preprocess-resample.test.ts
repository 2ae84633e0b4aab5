import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeRegionCv2, simdRowEnd } from '../../main/engine/preprocess/resize-cv2.js';
import { pillowCoefficients, resizeRegionPillow } from '../../main/engine/preprocess/resize-pillow.js';
import { assertNormalisation, normalizeToChw } from '../../main/engine/preprocess/normalize.js';
import { extractBox, type RgbImage } from '../../main/engine/preprocess/rgb-image.js';

/** A deterministic image with detail in every channel. */
function pattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 37 + y * 11) % 256;
      data[i + 1] = (x * y + 3 * x) % 256;
      data[i + 2] = ((x ^ y) * 5) % 256;
    }
  }
  return { data, width, height };
}

function constant(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { data, width, height };
}

const resizers = { cv2: resizeRegionCv2, pillow: resizeRegionPillow };

for (const [name, resize] of Object.entries(resizers)) {
  test(`${name}: a region equals the same pixels of the full resize`, () => {
    const src = pattern(97, 61);
    for (const dst of [
      { width: 40, height: 25 },
      { width: 150, height: 90 },
      { width: 97, height: 30 },
    ]) {
      const full = resize(src, dst, { x: 0, y: 0, ...dst });
      const region = { x: 7, y: 5, width: 20, height: 13 };
      const part = resize(src, dst, region);
      assert.deepEqual(part, extractBox({ data: full, ...dst }, region).data);
    }
  });

  test(`${name}: same size is a copy and constant images stay constant`, () => {
    const src = pattern(33, 21);
    assert.deepEqual(resize(src, { width: 33, height: 21 }, { x: 0, y: 0, width: 33, height: 21 }), src.data);
    const flat = constant(13, 7, [200, 17, 99]);
    for (const dst of [
      { width: 5, height: 3 },
      { width: 64, height: 40 },
      { width: 1, height: 1 },
    ]) {
      const out = resize(flat, dst, { x: 0, y: 0, ...dst });
      for (let i = 0; i < out.length; i += 3) assert.deepEqual([out[i], out[i + 1], out[i + 2]], [200, 17, 99]);
    }
  });
}

test('cv2: an exact 2x downscale is the rounded mean of 2x2 blocks (INTER_AREA fast path)', () => {
  const src: RgbImage = { data: new Uint8Array([10, 0, 255, 11, 0, 255, 12, 1, 0, 12, 2, 0]), width: 2, height: 2 };
  // (10+11+12+12+2)>>2 = 11, (0+0+1+2+2)>>2 = 1, (255+255+0+0+2)>>2 = 128
  assert.deepEqual(
    [...resizeRegionCv2(src, { width: 1, height: 1 }, { x: 0, y: 0, width: 1, height: 1 })],
    [11, 1, 128],
  );
});

test('cv2: upscaling 2 pixels to 4 uses half-pixel centres and clamps at the border', () => {
  const src: RgbImage = { data: new Uint8Array([0, 0, 0, 200, 100, 40]), width: 2, height: 1 };
  const out = resizeRegionCv2(src, { width: 4, height: 1 }, { x: 0, y: 0, width: 4, height: 1 });
  // x = 0 -> fx = -0.25 (clamped to pixel 0); x = 1 -> 0.25; x = 2 -> 0.75; x = 3 -> 1.25 (clamped to pixel 1)
  assert.deepEqual([...out], [0, 0, 0, 50, 25, 10, 150, 75, 30, 200, 100, 40]);
});

test('cv2: no antialiasing when shrinking (a 4x shrink samples between two source pixels)', () => {
  // Columns alternate 0/255 in pairs; cv2 samples at 4*x + 1.5, i.e. halfway between columns 1 and 2.
  const width = 16;
  const data = new Uint8Array(width * 3);
  for (let x = 0; x < width; x++) data.fill(x % 4 < 2 ? 0 : 255, x * 3, x * 3 + 3);
  const out = resizeRegionCv2({ data, width, height: 1 }, { width: 4, height: 1 }, { x: 0, y: 0, width: 4, height: 1 });
  assert.deepEqual(
    [...out].filter((_, i) => i % 3 === 0),
    [128, 128, 128, 128],
  );
  // Pillow averages over the whole footprint: same mean, but it is an area filter.
  const pil = resizeRegionPillow(
    { data, width, height: 1 },
    { width: 4, height: 1 },
    { x: 0, y: 0, width: 4, height: 1 },
  );
  assert.ok([...pil].every((v) => v > 100 && v < 160));
});

test('simdRowEnd: OpenCV vertical pass runs SIMD on 16 then 8 lanes, the rest is scalar', () => {
  assert.equal(simdRowEnd(672), 672);
  assert.equal(simdRowEnd(1149), 1144);
  assert.equal(simdRowEnd(7), 0);
  assert.equal(simdRowEnd(24), 24);
  assert.equal(simdRowEnd(30), 24);
});

test('pillow: coefficients sum to one in fixed point and widen when shrinking', () => {
  const up = pillowCoefficients(10, 25, 0, 25);
  assert.equal(up.kernelSize, 3);
  const down = pillowCoefficients(1000, 100, 0, 100);
  assert.equal(down.kernelSize, 21);
  for (const c of [up, down]) {
    for (let i = 0; i < c.first.length; i++) {
      let sum = 0;
      for (let k = 0; k < c.count[i]!; k++) sum += c.weights[i * c.kernelSize + k]!;
      assert.ok(Math.abs(sum - (1 << 22)) <= c.count[i]!, `weights of output ${i} sum to ${sum}`);
    }
  }
  // 10 source pixels per output: footprint of ~20 pixels.
  assert.ok(down.count[50]! >= 19 && down.count[50]! <= 21);
});

test('normalizeToChw gives planar (x - mean) / std', () => {
  const pixels = new Uint8Array([0, 128, 255, 10, 20, 30]);
  const tensor = normalizeToChw(pixels, 2, 1, [1, 2, 3], [2, 4, 8]);
  assert.equal(tensor.length, 6);
  assert.deepEqual([...tensor], [-0.5, 4.5, 31.5, 4.5, 31.5, 3.375]);
  const imagenet = normalizeToChw(
    new Uint8Array([124, 116, 104]),
    1,
    1,
    [123.675, 116.28, 103.53],
    [58.395, 57.12, 57.375],
  );
  assert.ok(Math.abs(imagenet[0]! - (124 - 123.675) / 58.395) < 1e-7);
});

test('assertNormalisation accepts 3 finite numbers with positive std and names what is wrong otherwise', () => {
  assert.doesNotThrow(() => assertNormalisation([123.675, 116.28, 103.53], [58.395, 57.12, 57.375]));
  assert.throws(
    () => assertNormalisation([1, 2], [1, 1, 1]),
    /expected mean to be 3 finite numbers .* but received an array of length 2/,
  );
  assert.throws(() => assertNormalisation([1, 2, Number.NaN], [1, 1, 1]), /expected mean to be 3 finite numbers/);
  assert.throws(
    () => assertNormalisation([1, 2, 3], 'imagenet'),
    /expected std to be 3 finite numbers .* but received "imagenet" \(string\)/,
  );
  assert.throws(
    () => assertNormalisation([1, 2, 3], [1, 0, 1]),
    /expected every std value to be above 0 but received 0 \(number\)/,
  );
});
