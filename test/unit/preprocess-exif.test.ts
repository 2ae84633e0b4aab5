import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exifDateToIso, parseExifSummary } from '../../main/engine/preprocess/exif.js';
import { sniffImageFormat } from '../../main/engine/preprocess/sniff.js';

interface AsciiTag {
  tag: number;
  text: string;
}

/**
 * Builds an "Exif\0\0" + TIFF block: IFD0 with the given ASCII tags and, when `dateTimeOriginal`
 * is set, an Exif sub-IFD (tag 0x8769) holding it as tag 0x9003.
 */
function buildExif(little: boolean, ifd0Tags: AsciiTag[], dateTimeOriginal?: string): Uint8Array {
  const bytes: number[] = [];
  const u16 = (v: number): number[] => (little ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v: number): number[] =>
    little
      ? [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24]
      : [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
  const ascii = (text: string): number[] => [...Array.from(text, (c) => c.charCodeAt(0)), 0];

  const ifd0Count = ifd0Tags.length + (dateTimeOriginal ? 1 : 0);
  const ifd0Size = 2 + ifd0Count * 12 + 4;
  const exifIfdOffset = 8 + ifd0Size;
  const exifIfdSize = dateTimeOriginal ? 2 + 12 + 4 : 0;
  let dataOffset = exifIfdOffset + exifIfdSize;
  const data: number[] = [];
  const entry = (tag: number, type: number, count: number, valueOrOffset: number[]): number[] => [
    ...u16(tag),
    ...u16(type),
    ...u32(count),
    ...valueOrOffset,
  ];
  const asciiEntry = (tag: number, text: string): number[] => {
    const value = ascii(text);
    if (value.length <= 4) return entry(tag, 2, value.length, [...value, 0, 0, 0, 0].slice(0, 4));
    const e = entry(tag, 2, value.length, u32(dataOffset));
    data.push(...value);
    dataOffset += value.length;
    return e;
  };

  bytes.push(...(little ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42), ...u32(8));
  bytes.push(...u16(ifd0Count));
  for (const { tag, text } of ifd0Tags) bytes.push(...asciiEntry(tag, text));
  if (dateTimeOriginal) bytes.push(...entry(0x8769, 4, 1, u32(exifIfdOffset)));
  bytes.push(...u32(0));
  if (dateTimeOriginal) {
    bytes.push(...u16(1), ...asciiEntry(0x9003, dateTimeOriginal), ...u32(0));
  }
  return new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...bytes, ...data]);
}

const camera = [
  { tag: 0x010f, text: 'ExampleCam' },
  { tag: 0x0110, text: 'EC-1' },
];

test('parseExifSummary reads DateTimeOriginal, Make and Model in both byte orders', () => {
  for (const little of [true, false]) {
    const exif = buildExif(little, camera, '2021:06:15 14:32:10');
    assert.deepEqual(parseExifSummary(exif), { takenAt: '2021-06-15T14:32:10', camera: 'ExampleCam EC-1' });
    // Bare TIFF data (without the Exif prefix) is accepted too.
    assert.deepEqual(parseExifSummary(exif.subarray(6)), { takenAt: '2021-06-15T14:32:10', camera: 'ExampleCam EC-1' });
  }
});

test('parseExifSummary: Model that repeats Make is not doubled; short inline strings work', () => {
  const exif = buildExif(true, [
    { tag: 0x010f, text: 'Canon' },
    { tag: 0x0110, text: 'Canon EOS 5D' },
  ]);
  assert.deepEqual(parseExifSummary(exif), { takenAt: null, camera: 'Canon EOS 5D' });
  assert.equal(parseExifSummary(buildExif(false, [{ tag: 0x0110, text: 'X1' }])).camera, 'X1');
  assert.equal(parseExifSummary(buildExif(false, [{ tag: 0x010f, text: '  Nikon  ' }])).camera, 'Nikon');
});

test('parseExifSummary returns nulls for missing, truncated or garbage EXIF instead of throwing', () => {
  const none = { takenAt: null, camera: null };
  assert.deepEqual(parseExifSummary(undefined), none);
  assert.deepEqual(parseExifSummary(new Uint8Array(0)), none);
  assert.deepEqual(parseExifSummary(new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, 0x49, 0x49])), none);
  assert.deepEqual(parseExifSummary(new Uint8Array(64).fill(0xab)), none);
  const good = buildExif(true, camera, '2021:06:15 14:32:10');
  // Cut in the middle of the string data: the values pointing past the end are dropped.
  const cut = good.subarray(0, good.length - 12);
  assert.doesNotThrow(() => parseExifSummary(cut));
  assert.equal(parseExifSummary(cut).takenAt, null);
  // IFD offset pointing far outside the block.
  const badOffset = good.slice();
  badOffset.set([0xff, 0xff, 0xff, 0x7f], 10);
  assert.deepEqual(parseExifSummary(badOffset), none);
  // Wrong magic number.
  const badMagic = good.slice();
  badMagic[8] = 43;
  assert.deepEqual(parseExifSummary(badMagic), none);
});

test('exifDateToIso accepts EXIF dates and rejects blanks and impossible values', () => {
  assert.equal(exifDateToIso('2021:06:15 14:32:10'), '2021-06-15T14:32:10');
  assert.equal(exifDateToIso('2009:01:26 12:09:08'), '2009-01-26T12:09:08');
  assert.equal(exifDateToIso('0000:00:00 00:00:00'), null);
  assert.equal(exifDateToIso('    :  :     :  :  '), null);
  assert.equal(exifDateToIso('2021:13:01 00:00:00'), null);
  assert.equal(exifDateToIso('2021:06:15 25:00:00'), null);
  assert.equal(exifDateToIso('yesterday'), null);
  assert.equal(exifDateToIso(null), null);
});

test('sniffImageFormat recognises image signatures and nothing else', () => {
  const bytes = (...values: number[]): Uint8Array => new Uint8Array([...values, ...new Array<number>(32).fill(0)]);
  const text = (s: string): Uint8Array =>
    new Uint8Array([...Array.from(s, (c) => c.charCodeAt(0)), ...new Array<number>(32).fill(0)]);
  assert.equal(sniffImageFormat(bytes(0xff, 0xd8, 0xff, 0xe0)), 'JPEG');
  assert.equal(sniffImageFormat(bytes(0xff, 0xd8, 0x00, 0x00)), 'JPEG');
  assert.equal(sniffImageFormat(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)), 'PNG');
  assert.equal(sniffImageFormat(text('GIF89a')), 'GIF');
  assert.equal(sniffImageFormat(text('RIFF\0\0\0\0WEBPVP8 ')), 'WebP');
  assert.equal(sniffImageFormat(bytes(0x49, 0x49, 0x2a, 0x00)), 'TIFF');
  assert.equal(sniffImageFormat(text('BM')), 'BMP');
  assert.equal(sniffImageFormat(text('\0\0\0\x18ftypheic')), 'HEIC');
  assert.equal(sniffImageFormat(text('\0\0\0\x1cftypavif')), 'AVIF');
  assert.equal(sniffImageFormat(text('This is a plain text file')), null);
  assert.equal(sniffImageFormat(new Uint8Array(0)), null);
});
