/**
 * Recognises image formats from their first bytes, to tell "not an image at all" from "an
 * image this decoder cannot read" when sharp refuses a file. Only used to word errors.
 */

/** A short human name of the format (e.g. `JPEG`, `BMP`, `HEIC`), or null when the bytes match none. */
export function sniffImageFormat(bytes: Uint8Array): string | null {
  const at = (offset: number, ...values: number[]): boolean => values.every((value, i) => bytes[offset + i] === value);
  const ascii = (offset: number, text: string): boolean => at(offset, ...Array.from(text, (ch) => ch.charCodeAt(0)));

  if (at(0, 0xff, 0xd8)) return 'JPEG';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'PNG';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'GIF';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'WebP';
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'TIFF';
  if (at(0, 0x49, 0x49, 0x2b, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2b)) return 'BigTIFF';
  if (ascii(0, 'BM') && bytes.length >= 26) return 'BMP';
  if (ascii(4, 'ftyp')) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (brand === 'avif' || brand === 'avis') return 'AVIF';
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'HEIC';
    if (brand === 'jxl ') return 'JPEG XL';
    if (brand === 'crx ') return 'Canon CR3 raw';
  }
  if (at(0, 0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20) || at(0, 0xff, 0x4f, 0xff, 0x51)) return 'JPEG 2000';
  if (at(0, 0xff, 0x0a)) return 'JPEG XL';
  if (ascii(0, '8BPS')) return 'Photoshop PSD';
  if (at(0, 0x00, 0x00, 0x01, 0x00)) return 'ICO';
  if (ascii(0, '#?RADIANCE') || ascii(0, '#?RGBE')) return 'Radiance HDR';
  if (
    ascii(0, 'P') &&
    bytes[1] !== undefined &&
    bytes[1] >= 0x31 &&
    bytes[1] <= 0x37 &&
    (bytes[2] === 0x0a || bytes[2] === 0x20 || bytes[2] === 0x0d)
  )
    return 'PNM';
  return null;
}
