/**
 * Reads the entries of a zip archive held in memory (PyTorch ≥ 1.6 checkpoints are zip files
 * whose entries are stored uncompressed; deflate is inflated with node:zlib should one appear).
 * Format: PKWARE APPNOTE.TXT sections 4.3.7 (local header), 4.3.12 (central directory),
 * 4.3.14-16 (zip64 end of central directory), 4.5.3 (zip64 extra field).
 */
import { inflateRawSync } from 'node:zlib';
import { FieldmarkError } from '../../util/errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

export function isZip(data: Uint8Array): boolean {
  return data.byteLength >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04;
}

function bigToNumber(value: bigint, where: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new FieldmarkError('CheckpointInvalid', `${where}: zip offset ${value} is too large`);
  return Number(value);
}

/** Lists the entries of the zip archive `data`. @throws FieldmarkError CheckpointInvalid. */
export function listZipEntries(data: Uint8Array, where: string): ZipEntry[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const fail = (message: string) =>
    new FieldmarkError('CheckpointInvalid', `${where}: not a readable zip archive (${message})`);
  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = data.byteLength - 22; i >= Math.max(0, data.byteLength - 22 - 65535); i -= 1) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail('no end-of-central-directory record');
  let count = view.getUint16(eocd + 10, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_EOCD_LOCATOR_SIGNATURE) {
    const zip64 = bigToNumber(view.getBigUint64(locator + 8, true), where);
    if (zip64 + 56 > data.byteLength || view.getUint32(zip64, true) !== ZIP64_EOCD_SIGNATURE)
      throw fail('bad zip64 record');
    count = bigToNumber(view.getBigUint64(zip64 + 32, true), where);
    directoryOffset = bigToNumber(view.getBigUint64(zip64 + 48, true), where);
  }
  const entries: ZipEntry[] = [];
  let pos = directoryOffset;
  for (let n = 0; n < count; n += 1) {
    if (pos + 46 > data.byteLength || view.getUint32(pos, true) !== CENTRAL_SIGNATURE)
      throw fail(`bad central directory entry ${n}`);
    const method = view.getUint16(pos + 10, true);
    let compressedSize = view.getUint32(pos + 20, true);
    let size = view.getUint32(pos + 24, true);
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    let localHeaderOffset = view.getUint32(pos + 42, true);
    const name = new TextDecoder().decode(data.subarray(pos + 46, pos + 46 + nameLength));
    // Zip64 extra field (id 1): the 64-bit values of the fields that read 0xffffffff, in order.
    let extra = pos + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 1) {
        let field = extra + 4;
        if (size === 0xffffffff) (size = bigToNumber(view.getBigUint64(field, true), where)), (field += 8);
        if (compressedSize === 0xffffffff)
          (compressedSize = bigToNumber(view.getBigUint64(field, true), where)), (field += 8);
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = bigToNumber(view.getBigUint64(field, true), where);
      }
      extra += 4 + length;
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    pos = extraEnd + commentLength;
  }
  return entries;
}

/** The bytes of one entry (a view for stored entries, inflated for deflated ones). */
export function readZipEntry(data: Uint8Array, entry: ZipEntry, where: string): Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > data.byteLength || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
    throw new FieldmarkError('CheckpointInvalid', `${where}: zip entry ${entry.name} has no local header`);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > data.byteLength)
    throw new FieldmarkError(
      'CheckpointInvalid',
      `${where}: zip entry ${entry.name} runs past the end of the file (truncated download?)`,
    );
  const raw = data.subarray(start, end);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return inflateRawSync(raw);
  throw new FieldmarkError(
    'CheckpointInvalid',
    `${where}: zip entry ${entry.name} uses compression method ${entry.method}; expected stored (0) or deflate (8)`,
  );
}
