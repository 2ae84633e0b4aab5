/**
 * Decoding real files with sharp: error kinds on broken files, EXIF orientation and metadata,
 * and the cv2 IMREAD_COLOR conventions (alpha dropped, grey expanded, 16-bit reduced, GIF
 * first frame) on ../shared/reference/photos.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS, preparePixels, prepareImage } from '../../main/engine/preprocess/index.js';
import { FieldmarkError, type ErrorKind } from '../../main/util/errors.js';
import { IMAGENET_MEAN, IMAGENET_STD, type PreprocessSpec } from '../../main/zoo/onnx/model-metadata.js';
import { referencePath } from '../helpers/paths.js';

const in1k: PreprocessSpec = {
  resize: { kind: 'short-edge', size: 256, backend: 'cv2' },
  crop: { width: 224, height: 224 },
  input: { width: 224, height: 224 },
  mean: [...IMAGENET_MEAN],
  std: [...IMAGENET_STD],
};
const cifar: PreprocessSpec = {
  resize: { kind: 'none' },
  crop: null,
  input: { width: 32, height: 32 },
  mean: [...IMAGENET_MEAN],
  std: [...IMAGENET_STD],
};

const photo = (name: string): Buffer => readFileSync(referencePath('photos', name));

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

async function assertFails(
  file: Buffer,
  kind: ErrorKind,
  message: RegExp,
  options?: { maxPixels?: number },
): Promise<void> {
  await assert.rejects(prepareImage(file, in1k, options), (error: unknown) => {
    assert.ok(error instanceof FieldmarkError, `expected a FieldmarkError but got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    assert.match(error.message, message);
    return true;
  });
}

test('broken files fail with the kind that says what is wrong', async () => {
  await assertFails(photo('zero_bytes.jpg'), 'EmptyFile', /empty \(0 bytes\)/);
  await assertFails(
    photo('not_an_image.jpg'),
    'NotAnImage',
    /not a known image format \(it starts with bytes 54 68 69 73/,
  );
  await assertFails(
    photo('coffee_truncated_60pct.jpg'),
    'DecodeFailed',
    /JPEG data is truncated or corrupt.*premature end/i,
  );
  await assertFails(photo('coffee_corrupt_header.jpg'), 'DecodeFailed', /JPEG data is truncated or corrupt/);
  await assertFails(photo('skimage_truncated.jpg'), 'DecodeFailed', /JPEG data is truncated or corrupt/);
  await assertFails(photo('chelsea.bmp'), 'UnsupportedFormat', /BMP images are not supported/);
  await assertFails(photo('chelsea.heic'), 'UnsupportedFormat', /HEIC image uses a codec .*HEVC/);
});

/** CRC-32 as PNG chunks use it. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

test('a decompression bomb (a small PNG claiming 50000x50000 pixels) is refused before decoding', async () => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(50000, 0);
  header.writeUInt32BE(50000, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const bomb = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1000))),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
  assert.ok(bomb.length < 2000);
  await assertFails(
    bomb,
    'ImageTooLarge',
    /50000x50000 pixels \(2500\.0 megapixels\), over the limit of 100\.0 megapixels/,
  );
  assert.equal(DEFAULT_MAX_PIXELS, 100_000_000);
  // The limit is an option: a normal photo over a small limit is refused the same way.
  await assertFails(
    photo('chelsea.png'),
    'ImageTooLarge',
    /451x300 pixels \(0\.1 megapixels\), over the limit of 0\.1 megapixels/,
    { maxPixels: 100_000 },
  );
  await assert.rejects(
    prepareImage(photo('chelsea.png'), in1k, { maxPixels: 0 }),
    /expected a positive integer for maxPixels but received 0 \(number\)/,
  );
});

test('EXIF orientations 1-8 of chelsea all give 451x300 and nearly the same crop', async () => {
  const upright = await preparePixels(photo('chelsea_exif_orientation_1.jpg'), in1k);
  const diffs: string[] = [];
  for (let orientation = 1; orientation <= 8; orientation++) {
    const file = photo(`chelsea_exif_orientation_${orientation}.jpg`);
    const image = await prepareImage(file, in1k);
    assert.equal(image.orientation, orientation);
    assert.deepEqual([image.width, image.height], [451, 300]);
    assert.equal(image.format, 'jpeg');
    const diff = meanAbsDiff((await preparePixels(file, in1k)).pixels, upright.pixels);
    diffs.push(diff.toFixed(2));
    // The rotated files were re-encoded as JPEG, so they differ a little; a wrong rotation
    // or mirror differs by tens of levels.
    assert.ok(diff < 3, `orientation ${orientation}: mean abs diff ${diff}`);
  }
  console.log(`chelsea orientations 1-8: mean abs diff to orientation 1: ${diffs.join(', ')}`);
  const png = await preparePixels(photo('chelsea.png'), in1k);
  assert.ok(meanAbsDiff(png.pixels, upright.pixels) < 3);
});

test('camera EXIF: DateTimeOriginal and Make/Model are read, orientation 6 applied', async () => {
  const image = await prepareImage(photo('coffee_exif6_with_camera_metadata.jpg'), in1k);
  assert.equal(image.orientation, 6);
  assert.deepEqual([image.width, image.height], [600, 400]);
  assert.equal(image.exif.takenAt, '2021-06-15T14:32:10');
  assert.match(image.exif.camera ?? '', /ExampleCam/);

  const real = await prepareImage(photo('imagenet_can_opener_exif_orientation6.JPEG'), in1k);
  assert.equal(real.orientation, 6);
  assert.deepEqual([real.width, real.height], [294, 392]);
  assert.equal(real.exif.camera, 'Canon PowerShot A590 IS');
  assert.equal(real.exif.takenAt, '2009-01-26T12:09:08');

  const plain = await prepareImage(photo('coffee.png'), in1k);
  assert.deepEqual(plain.exif, { takenAt: null, camera: null });
  assert.equal(plain.orientation, 1);
});

test('an invalid EXIF orientation (0, a real ImageNet photo) counts as 1 and the image is not rotated', async () => {
  const file = readFileSync(referencePath('imagenet_samples', 'images', '0052_n01728572_thunder_snake.JPEG'));
  const image = await prepareImage(file, in1k);
  assert.equal(image.orientation, 1);
  assert.deepEqual([image.width, image.height], [500, 333]);
  assert.equal(image.exif.camera, 'Canon EOS DIGITAL REBEL XT');
});

test('alpha is dropped without compositing, grey becomes 3 channels, 16-bit becomes 8-bit', async () => {
  const rgb8 = await preparePixels(photo('astronaut.png'), in1k);
  const rgb16 = await preparePixels(photo('astronaut_rgb16.png'), in1k);
  assert.equal(meanAbsDiff(rgb16.pixels, rgb8.pixels), 0, '16-bit (x257) reduces to the same 8-bit values');

  const grey = await preparePixels(photo('camera_grayscale.png'), in1k);
  const p = grey.pixels;
  for (let i = 0; i < p.length; i += 3) assert.ok(p[i] === p[i + 1] && p[i] === p[i + 2]);
  const greyAlpha = await preparePixels(photo('camera_gray_alpha_LA.png'), in1k);
  assert.equal(meanAbsDiff(greyAlpha.pixels, grey.pixels), 0, 'LA: the ramp of alpha does not change the grey values');

  const radial = await preparePixels(photo('chelsea_rgba_radial_alpha.png'), in1k);
  const opaque = await preparePixels(photo('chelsea.png'), in1k);
  assert.equal(
    meanAbsDiff(radial.pixels, opaque.pixels),
    0,
    'RGBA: colour channels kept as stored, not blended with a background',
  );
});

test('other formats decode: webp, tiff, gif (first frame), palette png, 1x1 png, png with a .jpg name', async () => {
  const reference = (await preparePixels(photo('chelsea.png'), in1k)).pixels;
  const webp = await prepareImage(photo('chelsea.webp'), in1k);
  assert.equal(webp.format, 'webp');
  const tiff = await preparePixels(photo('chelsea.tif'), in1k);
  assert.equal(tiff.header.format, 'tiff');
  assert.equal(meanAbsDiff(tiff.pixels, reference), 0);
  const gif = await prepareImage(photo('chelsea_static.gif'), in1k);
  assert.equal(gif.format, 'gif');

  const animated = await prepareImage(photo('animated_24frames.gif'), in1k);
  assert.deepEqual([animated.width, animated.height], [14, 25], 'one frame, not 24 stacked');
  const tiny = await prepareImage(photo('tiny_1x1.png'), in1k);
  assert.equal(tiny.tensor.length, 3 * 224 * 224);
  const palette = await prepareImage(photo('palette_10x10.png'), in1k);
  assert.deepEqual([palette.width, palette.height], [10, 10]);
  const misnamed = await prepareImage(photo('png_content_with_jpg_extension.jpg'), in1k);
  assert.equal(misnamed.format, 'png');
  for (const image of [webp, gif, animated, tiny, palette, misnamed]) {
    assert.ok(
      image.tensor.every((v) => Number.isFinite(v) && v > -2.2 && v < 2.7),
      'values in the normalised range',
    );
  }
});

test("CMYK JPEG is converted with OpenCV's formula (as the cv2 reference), not through an ICC profile", async () => {
  const cmyk = await preparePixels(photo('coffee_cmyk.jpg'), in1k);
  const rgb = await preparePixels(photo('coffee.png'), in1k);
  const diff = meanAbsDiff(cmyk.pixels, rgb.pixels);
  // Measured 2.2 on the whole image; sharp's ICC conversion of the same file differs by 8.5.
  assert.ok(diff < 4, `CMYK vs RGB original: ${diff}`);
});

test('resize none (CIFAR): a 32x32 image is used as is, other sizes are resized to 32x32', async () => {
  const { data, info } = await sharp(photo('chelsea.png'))
    .resize(32, 32, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const small = await sharp(data, { raw: info }).png().toBuffer();
  const exact = await preparePixels(small, cifar);
  assert.deepEqual(exact.pixels, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const image = await prepareImage(small, cifar);
  assert.equal(image.tensor.length, 3 * 32 * 32);
  assert.ok(Math.abs(image.tensor[0]! - (data[0]! - IMAGENET_MEAN[0]) / IMAGENET_STD[0]) < 1e-6);
  assert.ok(
    Math.abs(image.tensor[1024]! - (data[1]! - IMAGENET_MEAN[1]) / IMAGENET_STD[1]) < 1e-6,
    'planar layout: G plane starts at H*W',
  );

  const big = await preparePixels(photo('chelsea.png'), cifar);
  assert.deepEqual(big.plan.finalResize, { width: 32, height: 32 });
  assert.equal(big.pixels.length, 32 * 32 * 3);
});
