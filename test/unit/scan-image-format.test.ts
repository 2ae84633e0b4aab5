import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasImageExtension, IMAGE_EXTENSIONS, sniffImageFormat } from '../../main/engine/scan/image-format.js';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));

function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 8], 'meta');
}

test('sniffImageFormat recognises each format by its magic bytes', () => {
  assert.equal(sniffImageFormat(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF')), 'jpeg');
  assert.equal(sniffImageFormat(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR')), 'png');
  assert.equal(sniffImageFormat(bytes('GIF89a', [1, 0, 1, 0])), 'gif');
  assert.equal(sniffImageFormat(bytes('GIF87a')), 'gif');
  assert.equal(sniffImageFormat(bytes('RIFF', [0x90, 0x52, 0, 0], 'WEBPVP8 ')), 'webp');
  assert.equal(sniffImageFormat(bytes('II', [0x2a, 0, 8, 0, 0, 0])), 'tiff');
  assert.equal(sniffImageFormat(bytes('MM', [0, 0x2a, 0, 0, 0, 8])), 'tiff');
  assert.equal(sniffImageFormat(bytes('II', [0x2b, 0, 8, 0, 0, 0])), 'tiff');
  const bmp = bytes('BM', [0x46, 0x35, 6, 0, 0, 0, 0, 0, 0x36, 0, 0, 0], [40, 0, 0, 0], [0xc3, 1, 0, 0]);
  assert.equal(sniffImageFormat(bmp), 'bmp');
  assert.equal(sniffImageFormat(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')), 'svg');
  assert.equal(
    sniffImageFormat(bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0"?>\n<!-- x -->\n<svg width="1">')),
    'svg',
  );
});

test('ISO-BMFF files are AVIF when any brand says avif, HEIF for the HEVC/HEIF brands', () => {
  assert.equal(sniffImageFormat(ftyp('avif', 'mif1', 'miaf')), 'avif');
  assert.equal(sniffImageFormat(ftyp('mif1', 'avif')), 'avif');
  assert.equal(sniffImageFormat(ftyp('heic', 'mif1', 'heic')), 'heif');
  assert.equal(sniffImageFormat(ftyp('mif1', 'heic')), 'heif');
  // An MP4 video is ISO-BMFF too, but not an image.
  assert.equal(sniffImageFormat(ftyp('isom', 'iso2', 'mp41')), null);
});

test('sniffImageFormat returns null for text, truncated signatures and empty input', () => {
  assert.equal(sniffImageFormat(new Uint8Array(0)), null);
  assert.equal(sniffImageFormat(bytes([0xff, 0xd8])), null);
  assert.equal(sniffImageFormat(bytes([0x89], 'PNG')), null);
  assert.equal(sniffImageFormat(bytes('This is a plain text file with a .jpg extension')), null);
  assert.equal(sniffImageFormat(bytes('BMW 320i service notes, 2019 and later')), null);
  assert.equal(sniffImageFormat(bytes('<!doctype html><html><body>no drawing</body></html>')), null);
  assert.equal(sniffImageFormat(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')), null);
});

test('image extensions are matched case-insensitively; text and extensionless names are not', () => {
  assert.equal(hasImageExtension('a/b/IMG_0001.JPG'), true);
  assert.equal(hasImageExtension('scan.tiff'), true);
  assert.equal(hasImageExtension('photo.HEIC'), true);
  assert.equal(hasImageExtension('notes.txt'), false);
  assert.equal(hasImageExtension('jpg'), false);
  assert.equal(hasImageExtension('archive.jpg.zip'), false);
  assert.ok(IMAGE_EXTENSIONS.has('webp') && IMAGE_EXTENSIONS.has('avif'));
});
