/**
 * A small reader of the EXIF block (a TIFF structure, as sharp's `metadata().exif` returns it,
 * after an `Exif\0\0` prefix) for the three fields Fieldmark shows: DateTimeOriginal, Make and
 * Model. Malformed EXIF is common in real photos and must not fail the image, so every read
 * is bounds-checked and a field that cannot be read is simply null.
 */

export interface ExifSummary {
  /** DateTimeOriginal as 'YYYY-MM-DDTHH:MM:SS' (camera local time, no zone), or null. */
  takenAt: string | null;
  /** "Make Model" (Model alone when it already starts with Make), or null. */
  camera: string | null;
}

const TAG_MAKE = 0x010f;
const TAG_MODEL = 0x0110;
const TAG_EXIF_IFD = 0x8769;
const TAG_DATE_TIME_ORIGINAL = 0x9003;
const TYPE_ASCII = 2;
const TYPE_LONG = 4;
/** More entries than this in one IFD means the data is garbage. */
const MAX_IFD_ENTRIES = 1000;

interface TiffReader {
  view: DataView;
  little: boolean;
}

interface IfdEntry {
  type: number;
  count: number;
  /** Offset of the 4-byte value field of the entry. */
  valueFieldOffset: number;
}

function readIfd(reader: TiffReader, offset: number): Map<number, IfdEntry> {
  const entries = new Map<number, IfdEntry>();
  const { view, little } = reader;
  if (offset < 8 || offset + 2 > view.byteLength) return entries;
  const count = view.getUint16(offset, little);
  if (count > MAX_IFD_ENTRIES) return entries;
  for (let i = 0; i < count; i++) {
    const at = offset + 2 + i * 12;
    if (at + 12 > view.byteLength) break;
    entries.set(view.getUint16(at, little), {
      type: view.getUint16(at + 2, little),
      count: view.getUint32(at + 4, little),
      valueFieldOffset: at + 8,
    });
  }
  return entries;
}

function readAscii(reader: TiffReader, entry: IfdEntry | undefined): string | null {
  if (!entry || entry.type !== TYPE_ASCII || entry.count === 0) return null;
  const start =
    entry.count <= 4 ? entry.valueFieldOffset : reader.view.getUint32(entry.valueFieldOffset, reader.little);
  if (start + entry.count > reader.view.byteLength) return null;
  let text = '';
  for (let i = 0; i < entry.count; i++) {
    const code = reader.view.getUint8(start + i);
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

function readLong(reader: TiffReader, entry: IfdEntry | undefined): number | null {
  if (!entry || entry.type !== TYPE_LONG || entry.count !== 1) return null;
  return reader.view.getUint32(entry.valueFieldOffset, reader.little);
}

/** 'YYYY:MM:DD HH:MM:SS' -> 'YYYY-MM-DDTHH:MM:SS'; null for blanks, zeros and impossible dates. */
export function exifDateToIso(value: string | null): string | null {
  if (value === null) return null;
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return null;
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`;
}

function cameraName(make: string | null, model: string | null): string | null {
  if (make && model) return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`;
  return make ?? model;
}

/** Reads DateTimeOriginal, Make and Model from an EXIF block; nulls for anything missing or malformed. */
export function parseExifSummary(exif: Uint8Array | undefined): ExifSummary {
  const none: ExifSummary = { takenAt: null, camera: null };
  if (!exif || exif.length < 8) return none;
  // sharp returns the APP1 payload, which starts with "Exif\0\0"; bare TIFF data is accepted too.
  const hasPrefix =
    exif[0] === 0x45 && exif[1] === 0x78 && exif[2] === 0x69 && exif[3] === 0x66 && exif[4] === 0 && exif[5] === 0;
  const tiff = hasPrefix ? exif.subarray(6) : exif;
  if (tiff.length < 8) return none;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0, false);
  if (order !== 0x4949 && order !== 0x4d4d) return none;
  const reader: TiffReader = { view, little: order === 0x4949 };
  if (view.getUint16(2, reader.little) !== 42) return none;

  const ifd0 = readIfd(reader, view.getUint32(4, reader.little));
  const camera = cameraName(readAscii(reader, ifd0.get(TAG_MAKE)), readAscii(reader, ifd0.get(TAG_MODEL)));
  const exifIfdOffset = readLong(reader, ifd0.get(TAG_EXIF_IFD));
  const exifIfd = exifIfdOffset === null ? new Map<number, IfdEntry>() : readIfd(reader, exifIfdOffset);
  const takenAt = exifDateToIso(readAscii(reader, exifIfd.get(TAG_DATE_TIME_ORIGINAL)));
  return { takenAt, camera };
}
