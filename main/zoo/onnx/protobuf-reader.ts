/**
 * A minimal protocol-buffers decoder: iterates the fields of a message held in memory, and
 * scans the top-level fields of a large message in a file without loading it (each field's
 * payload is skipped by its length), which is how model metadata is read from a 200 MB ONNX file.
 */
import type { FileHandle } from 'node:fs/promises';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf-writer.js';

export interface ProtoField {
  field: number;
  wireType: number;
  /** The value of a varint field (as bigint so int64 keeps its precision). */
  varint?: bigint;
  /** The payload of a length-delimited, fixed32 or fixed64 field. */
  bytes?: Uint8Array;
}

export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoDecodeError';
  }
}

/** Reads a varint at `offset`; returns its value and the offset after it. */
export function decodeVarint(buffer: Uint8Array, offset: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let position = offset;
  for (;;) {
    if (position >= buffer.byteLength)
      throw new ProtoDecodeError(`varint runs past the end of the data at byte ${offset}`);
    const byte = buffer[position] as number;
    position += 1;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7n;
    if (shift > 63n) throw new ProtoDecodeError(`varint longer than 10 bytes at byte ${offset}`);
  }
  return { value: BigInt.asUintN(64, value), next: position };
}

/** Interprets a varint as a signed int64 (two's complement). */
export function asSignedInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** Yields every field of an in-memory message, in order. */
export function* decodeFields(buffer: Uint8Array): Generator<ProtoField> {
  let offset = 0;
  while (offset < buffer.byteLength) {
    const key = decodeVarint(buffer, offset);
    offset = key.next;
    const field = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    if (wireType === WIRE_VARINT) {
      const v = decodeVarint(buffer, offset);
      offset = v.next;
      yield { field, wireType, varint: v.value };
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = decodeVarint(buffer, offset);
      const start = length.next;
      const end = start + Number(length.value);
      if (end > buffer.byteLength)
        throw new ProtoDecodeError(
          `field ${field} claims ${length.value} bytes but only ${buffer.byteLength - start} remain`,
        );
      yield { field, wireType, bytes: buffer.subarray(start, end) };
      offset = end;
    } else if (wireType === WIRE_FIXED32 || wireType === WIRE_FIXED64) {
      const size = wireType === WIRE_FIXED32 ? 4 : 8;
      if (offset + size > buffer.byteLength) throw new ProtoDecodeError(`field ${field} runs past the end of the data`);
      yield { field, wireType, bytes: buffer.subarray(offset, offset + size) };
      offset += size;
    } else {
      throw new ProtoDecodeError(`unsupported wire type ${wireType} for field ${field} at byte ${offset}`);
    }
  }
}

/** Decodes the values of a packed (or single unpacked) repeated varint field payload. */
export function decodePackedVarints(payload: Uint8Array): bigint[] {
  const values: bigint[] = [];
  let offset = 0;
  while (offset < payload.byteLength) {
    const v = decodeVarint(payload, offset);
    values.push(v.value);
    offset = v.next;
  }
  return values;
}

/** Decodes a packed repeated float payload (little-endian float32). */
export function decodePackedFloats(payload: Uint8Array): Float32Array {
  if (payload.byteLength % 4 !== 0)
    throw new ProtoDecodeError(`packed floats: ${payload.byteLength} bytes is not a multiple of 4`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const out = new Float32Array(payload.byteLength / 4);
  for (let i = 0; i < out.length; i += 1) out[i] = view.getFloat32(i * 4, true);
  return out;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function decodeString(payload: Uint8Array): string {
  return textDecoder.decode(payload);
}

async function readExactly(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Scans the top-level fields of the message stored in `file` (from byte 0 to `size`).
 * Only the payloads of fields in `wanted` are read; everything else is skipped by its length.
 */
export async function scanFileFields(
  file: FileHandle,
  size: number,
  wanted: ReadonlySet<number>,
): Promise<ProtoField[]> {
  const found: ProtoField[] = [];
  let position = 0;
  while (position < size) {
    // A key and a length varint take at most 20 bytes together.
    const head = await readExactly(file, position, Math.min(20, size - position));
    const key = decodeVarint(head, 0);
    const field = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    let cursor = key.next;
    if (wireType === WIRE_VARINT) {
      const v = decodeVarint(head, cursor);
      if (wanted.has(field)) found.push({ field, wireType, varint: v.value });
      position += v.next;
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = decodeVarint(head, cursor);
      cursor = length.next;
      const payloadLength = Number(length.value);
      const payloadStart = position + cursor;
      if (payloadStart + payloadLength > size) {
        throw new ProtoDecodeError(
          `field ${field} at byte ${position} claims ${payloadLength} bytes but the file ends at ${size}`,
        );
      }
      if (wanted.has(field))
        found.push({ field, wireType, bytes: await readExactly(file, payloadStart, payloadLength) });
      position = payloadStart + payloadLength;
    } else if (wireType === WIRE_FIXED32 || wireType === WIRE_FIXED64) {
      position += cursor + (wireType === WIRE_FIXED32 ? 4 : 8);
    } else {
      throw new ProtoDecodeError(`unsupported wire type ${wireType} for field ${field} at byte ${position}`);
    }
  }
  return found;
}
