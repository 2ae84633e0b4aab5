/**
 * Decoding with sharp into the pixels cv2.imdecode(IMREAD_COLOR) would give (mmcv
 * LoadImageFromFile): EXIF orientation applied, alpha dropped without compositing, grey
 * expanded to 3 channels, 16-bit reduced to 8-bit, embedded ICC profiles ignored (cv2 ignores
 * them), CMYK converted with OpenCV's formula; animated images give their first frame.
 * Errors become FieldmarkErrors whose kind says what went wrong.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { FieldmarkError } from '../../util/errors.js';
import type { Size } from './geometry.js';
import type { RgbImage } from './rgb-image.js';
import { parseExifSummary, type ExifSummary } from './exif.js';
import { sniffImageFormat } from './sniff.js';

export interface ImageHeader {
  /** sharp's format name: jpeg, png, webp, gif, tiff, heif, svg ... */
  format: string;
  /** Size after EXIF orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1..8; 1 when absent or invalid (0, 9, ...), as cv2 treats those. */
  orientation: number;
  /** libvips interpretation, e.g. srgb, b-w, cmyk, rgb16. */
  space: string;
  exif: ExifSummary;
}

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} megapixels`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // libvips repeats its messages once per retry, separated by newlines; one of each is enough.
  const lines = [
    ...new Set(
      message
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    ),
  ];
  return lines.join('; ');
}

/** Maps an error thrown by sharp to a FieldmarkError kind and a plain-words message. */
function classifyDecodeError(file: Uint8Array, error: unknown, maxPixels: number): FieldmarkError {
  const detail = firstLine(error);
  const sniffed = sniffImageFormat(file);
  if (/exceeds pixel limit/i.test(detail)) {
    return new FieldmarkError(
      'ImageTooLarge',
      `the image has more pixels than the limit of ${megapixels(maxPixels)} (${detail})`,
      { cause: error },
    );
  }
  if (sniffed === null) {
    const head = Array.from(file.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return new FieldmarkError('NotAnImage', `the content is not a known image format (it starts with bytes ${head})`, {
      cause: error,
    });
  }
  if (/unsupported image format/i.test(detail)) {
    return new FieldmarkError(
      'UnsupportedFormat',
      `${sniffed} images are not supported by this build of the decoder (sharp/libvips)`,
      { cause: error },
    );
  }
  const codecProblem = /not been built in|no decoding plugin|unsupported codec|unsupported feature/i;
  if (codecProblem.test(detail)) {
    const reason = detail.split('; ').find((part) => codecProblem.test(part)) ?? detail;
    return new FieldmarkError(
      'UnsupportedFormat',
      `this ${sniffed} image uses a codec this build of the decoder cannot read (${reason})`,
      { cause: error },
    );
  }
  return new FieldmarkError('DecodeFailed', `the ${sniffed} data is truncated or corrupt (${detail})`, {
    cause: error,
  });
}

/** Reads format, size, orientation and EXIF from the header, without decoding pixels. @throws FieldmarkError */
export async function readImageHeader(file: Uint8Array, maxPixels: number): Promise<ImageHeader> {
  if (file.length === 0) throw new FieldmarkError('EmptyFile', 'the file is empty (0 bytes)');
  let metadata: Metadata;
  try {
    // No pixel limit here: the header is cheap to read and we want to report the real size.
    metadata = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw classifyDecodeError(file, error, maxPixels);
  }
  const storedWidth = metadata.width;
  const storedHeight = metadata.pageHeight ?? metadata.height;
  if (!storedWidth || !storedHeight) {
    throw new FieldmarkError('DecodeFailed', `the ${metadata.format ?? 'image'} header gives no image size`);
  }
  const pixels = storedWidth * storedHeight;
  if (pixels > maxPixels) {
    throw new FieldmarkError(
      'ImageTooLarge',
      `the image is ${storedWidth}x${storedHeight} pixels (${megapixels(pixels)}), over the limit of ${megapixels(maxPixels)}`,
    );
  }
  const rawOrientation = metadata.orientation ?? 1;
  const orientation =
    Number.isInteger(rawOrientation) && rawOrientation >= 1 && rawOrientation <= 8 ? rawOrientation : 1;
  const swaps = orientation >= 5;
  return {
    format: metadata.format ?? 'unknown',
    width: swaps ? storedHeight : storedWidth,
    height: swaps ? storedWidth : storedHeight,
    orientation,
    space: metadata.space ?? 'srgb',
    exif: parseExifSummary(metadata.exif),
  };
}

function decoderFor(file: Uint8Array, maxPixels: number): Sharp {
  return sharp(file, {
    // 'error' fails on truncated and corrupt data (a truncated JPEG must not become a grey
    // image) but, unlike the default 'warning', not on benign warnings of real camera files.
    failOn: 'error',
    limitInputPixels: maxPixels,
    autoOrient: true,
    ignoreIcc: true,
    page: 0,
    pages: 1,
  });
}

/**
 * OpenCV's CMYK -> BGR (icvCvt_CMYK2BGR_8u_C4C3R) works on libjpeg's Adobe-inverted values;
 * libvips hands out normal CMYK (0 = no ink), so with c' = 255 - C, k' = 255 - K:
 * R = k' - ((255 - c') * k' >> 8) = k' - (C * k' >> 8).
 */
function cmykToRgbLikeOpenCv(cmyk: Uint8Array, pixels: number): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0, p = 0, o = 0; i < pixels; i++, p += 4, o += 3) {
    const k = 255 - cmyk[p + 3]!;
    rgb[o] = k - ((cmyk[p]! * k) >> 8);
    rgb[o + 1] = k - ((cmyk[p + 1]! * k) >> 8);
    rgb[o + 2] = k - ((cmyk[p + 2]! * k) >> 8);
  }
  return rgb;
}

/**
 * Decodes to oriented interleaved RGB uint8. With `shrinkTo`, sharp resizes to that size first
 * (JPEG shrink-on-load in libjpeg's DCT, then its own reduce): the fast path for big photos.
 * @throws FieldmarkError DecodeFailed, UnsupportedFormat, ImageTooLarge, NotAnImage
 */
export async function decodeRgb(
  file: Uint8Array,
  header: ImageHeader,
  maxPixels: number,
  shrinkTo?: Size,
): Promise<RgbImage> {
  let pipeline = decoderFor(file, maxPixels);
  if (shrinkTo) {
    pipeline = pipeline.resize(shrinkTo.width, shrinkTo.height, {
      fit: 'fill',
      kernel: 'linear',
      fastShrinkOnLoad: true,
    });
  }
  const isCmyk = header.space === 'cmyk';
  try {
    if (isCmyk) {
      const { data, info } = await pipeline
        .pipelineColourspace('cmyk')
        .toColourspace('cmyk')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 4)
        throw new FieldmarkError('DecodeFailed', `expected 4 CMYK channels but the decoder gave ${info.channels}`);
      return { data: cmykToRgbLikeOpenCv(data, info.width * info.height), width: info.width, height: info.height };
    }
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3)
      throw new FieldmarkError('DecodeFailed', `expected 3 RGB channels but the decoder gave ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    if (error instanceof FieldmarkError) throw error;
    throw classifyDecodeError(file, error, maxPixels);
  }
}
