/**
 * Image decoding and preprocessing for Fieldmark models, as the OpenMMLab test pipelines define
 * it (LoadImageFromFile cv2 -> ResizeEdge/Resize -> CenterCrop -> ClsDataPreprocessor), see
 * /work/shared/reference/preprocessing.json. Geometry is exact; resampling reproduces cv2
 * INTER_LINEAR or PIL BILINEAR bit for bit on the decoded pixels; big JPEGs are decoded smaller
 * with libjpeg's DCT scaling first (see shrink-on-load.ts for the trade-off).
 */
import type { PreprocessSpec } from '../../zoo/onnx/model-metadata.js';
import { FieldmarkError, describeValue } from '../../util/errors.js';
import { planPreprocess, type PreprocessPlan, type Size } from './geometry.js';
import { decodeRgb, readImageHeader, type ImageHeader } from './decode.js';
import type { ExifSummary } from './exif.js';
import { assertNormalisation, normalizeToChw } from './normalize.js';
import { resizeRegionCv2 } from './resize-cv2.js';
import { resizeRegionPillow, PILLOW_BICUBIC } from './resize-pillow.js';
import type { RgbImage } from './rgb-image.js';
import { chooseShrinkOnLoad } from './shrink-on-load.js';

export type { ExifSummary } from './exif.js';
export type { PreprocessPlan } from './geometry.js';

export interface PreparedImage {
  /** 3*H*W float32, CHW, RGB, (x - mean) / std; H, W = spec.input. */
  tensor: Float32Array;
  /** Size after EXIF orientation, at the original resolution. */
  width: number;
  height: number;
  /** EXIF orientation 1..8, 1 when absent or invalid. */
  orientation: number;
  /** sharp's format name: jpeg, png, webp, gif, tiff, heif ... */
  format: string;
  exif: ExifSummary;
}

export interface PrepareOptions {
  /** Decompression-bomb limit in pixels (width*height of the stored image). */
  maxPixels?: number;
  /** Decode big JPEGs at 1/2, 1/4 or 1/8 size when the resize allows it (default true). */
  shrinkOnLoad?: boolean;
}

/** The uint8 model input before normalisation, with what was decided on the way (for tests and tools). */
export interface PreparedPixels {
  /** Interleaved RGB uint8, spec.input.height x spec.input.width. */
  pixels: Uint8Array;
  header: ImageHeader;
  plan: PreprocessPlan;
  /** The size the decoder produced: the oriented size, or smaller when shrink-on-load was used. */
  decoded: Size;
}

/** 100 megapixels: larger than any camera photo in common use, small enough to decode safely. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

function resolveMaxPixels(options: PrepareOptions | undefined): number {
  const value = options?.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!Number.isInteger(value) || value <= 0) {
    throw new FieldmarkError(
      'InvalidArgument',
      `expected a positive integer for maxPixels but received ${describeValue(value)}`,
    );
  }
  return value;
}

function resizeRegion(image: RgbImage, plan: PreprocessPlan, spec: PreprocessSpec): Uint8Array {
  const interpolation = spec.resize.kind === 'none' ? 'bilinear' : (spec.resize.interpolation ?? 'bilinear');
  if (interpolation === 'bicubic') {
    if (plan.backend !== 'pillow') {
      throw new FieldmarkError(
        'InvalidArgument',
        'expected the pillow backend for bicubic resizing (the only combination the OpenMMLab configs use), received cv2',
      );
    }
    return resizeRegionPillow(image, plan.resized, plan.crop, PILLOW_BICUBIC);
  }
  return plan.backend === 'pillow'
    ? resizeRegionPillow(image, plan.resized, plan.crop)
    : resizeRegionCv2(image, plan.resized, plan.crop);
}

/**
 * Decodes `file` and returns the RGB uint8 model input (resize, centre crop, and the final fit
 * to the input size when needed). @throws FieldmarkError (see prepareImage)
 */
export async function preparePixels(
  file: Uint8Array,
  spec: PreprocessSpec,
  options?: PrepareOptions,
): Promise<PreparedPixels> {
  const maxPixels = resolveMaxPixels(options);
  assertNormalisation(spec.mean, spec.std);
  const header = await readImageHeader(file, maxPixels);
  const plan = planPreprocess(spec, { width: header.width, height: header.height });
  const shrink =
    options?.shrinkOnLoad === false ? null : chooseShrinkOnLoad(header.format, header.space, plan.source, plan.resized);
  const image = await decodeRgb(file, header, maxPixels, shrink?.target);
  const expected = shrink ? shrink.target : plan.source;
  if (image.width !== expected.width || image.height !== expected.height) {
    throw new FieldmarkError(
      'DecodeFailed',
      `expected the decoder to give ${expected.width}x${expected.height} pixels but it gave ${image.width}x${image.height}`,
    );
  }
  let pixels = resizeRegion(image, plan, spec);
  if (plan.finalResize) {
    const cropped: RgbImage = { data: pixels, width: plan.crop.width, height: plan.crop.height };
    pixels = resizeRegionCv2(cropped, plan.finalResize, { x: 0, y: 0, ...plan.finalResize });
  }
  return { pixels, header, plan, decoded: { width: image.width, height: image.height } };
}

/**
 * Decodes an image file and turns it into a model input tensor as described by `spec`.
 * @throws FieldmarkError EmptyFile (0 bytes), NotAnImage, UnsupportedFormat (e.g. BMP, HEIC),
 *   DecodeFailed (truncated or corrupt), ImageTooLarge (over maxPixels), InvalidArgument (bad spec)
 */
export async function prepareImage(
  file: Buffer,
  spec: PreprocessSpec,
  options?: PrepareOptions,
): Promise<PreparedImage> {
  const prepared = await preparePixels(file, spec, options);
  const { header } = prepared;
  return {
    tensor: normalizeToChw(prepared.pixels, spec.input.width, spec.input.height, spec.mean, spec.std),
    width: header.width,
    height: header.height,
    orientation: header.orientation,
    format: header.format,
    exif: header.exif,
  };
}
