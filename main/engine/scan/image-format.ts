/** Recognising image files by their first bytes (magic numbers) and by extension. */
import { extname } from 'node:path';

export type SniffedImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif' | 'heif' | 'bmp' | 'svg';

/** How many leading bytes `sniffImageFormat` looks at (SVG may start with a long XML prologue). */
export const SNIFF_BYTES = 512;

/** Extensions (lower case, no dot) that make a file a candidate image even if its content does not sniff as one. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg',
  'jpeg',
  'jpe',
  'jfif',
  'png',
  'apng',
  'gif',
  'webp',
  'tif',
  'tiff',
  'avif',
  'heic',
  'heif',
  'hif',
  'bmp',
  'dib',
  'svg',
]);

export function hasImageExtension(fileName: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(fileName).slice(1).toLowerCase());
}

function startsWith(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, i) => head[offset + i] === byte);
}

function ascii(head: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...head.subarray(start, Math.min(end, head.length)));
}

function readUint32BE(head: Uint8Array, offset: number): number {
  return (
    (((head[offset] ?? 0) << 24) |
      ((head[offset + 1] ?? 0) << 16) |
      ((head[offset + 2] ?? 0) << 8) |
      (head[offset + 3] ?? 0)) >>>
    0
  );
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

/** ISO-BMFF (`ftyp` box): AVIF if any brand says so, else HEIF for the HEIF/HEVC brands. */
function sniffIsoBmff(head: Uint8Array): 'avif' | 'heif' | null {
  if (ascii(head, 4, 8) !== 'ftyp') return null;
  const boxEnd = Math.min(readUint32BE(head, 0), head.length);
  const brands = [ascii(head, 8, 12)];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(ascii(head, offset, offset + 4));
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'heif';
  return null;
}

// BITMAPCOREHEADER, BITMAPINFOHEADER and its V2..V5 successors: 'BM' alone is too weak a signature.
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

function sniffSvg(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head.subarray(0, SNIFF_BYTES))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (!text.startsWith('<')) return false;
  return /<svg[\s>]/i.test(text);
}

/** The image format the leading bytes of a file announce, or null when they announce none. */
export function sniffImageFormat(head: Uint8Array): SniffedImageFormat | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  const first6 = ascii(head, 0, 6);
  if (first6 === 'GIF87a' || first6 === 'GIF89a') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  // Little- and big-endian TIFF, classic (42) and BigTIFF (43).
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  const isoBmff = sniffIsoBmff(head);
  if (isoBmff !== null) return isoBmff;
  if (startsWith(head, [0x42, 0x4d]) && head.length >= 18) {
    const dibHeaderSize = (head[14] ?? 0) | ((head[15] ?? 0) << 8) | ((head[16] ?? 0) << 16) | ((head[17] ?? 0) << 24);
    if (BMP_DIB_HEADER_SIZES.has(dibHeaderSize)) return 'bmp';
  }
  if (sniffSvg(head)) return 'svg';
  return null;
}
