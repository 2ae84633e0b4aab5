/**
 * A minimal protocol-buffers encoder: just what writing an ONNX ModelProto needs (varints,
 * length-delimited fields, packed repeated numbers). A message is kept as a list of chunks so
 * that embedding a 200 MB initializer in a graph in a model never copies it.
 * Wire format: https://protobuf.dev/programming-guides/encoding/
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_64 = 1n << 64n;

/** Encodes an unsigned or signed 64-bit integer as a varint; negative values take 10 bytes (two's complement). */
export function encodeVarint(value: number | bigint): Uint8Array {
  let remaining = typeof value === 'bigint' ? value : BigInt(value);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`varint: expected a safe integer, received ${value}`);
  }
  if (remaining < 0n) remaining += TWO_POW_64;
  if (remaining < 0n || remaining >= TWO_POW_64)
    throw new RangeError(`varint: ${String(value)} does not fit in 64 bits`);
  const bytes: number[] = [];
  while (remaining >= 0x80n) {
    bytes.push(Number(remaining & 0x7fn) | 0x80);
    remaining >>= 7n;
  }
  bytes.push(Number(remaining));
  return Uint8Array.from(bytes);
}

function fieldKey(field: number, wireType: number): Uint8Array {
  return encodeVarint(field * 8 + wireType);
}

const textEncoder = new TextEncoder();

/** A protobuf message under construction: fields are appended in call order. */
export class ProtoMessage {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  get byteLength(): number {
    return this.length;
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.byteLength;
  }

  /** int32/int64/uint64/bool/enum field. */
  varint(field: number, value: number | bigint): this {
    this.push(fieldKey(field, WIRE_VARINT));
    this.push(encodeVarint(value));
    return this;
  }

  /** float field (fixed32, little-endian). */
  float32(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(fieldKey(field, WIRE_FIXED32));
    this.push(bytes);
    return this;
  }

  /** bytes field; the data is referenced, not copied. */
  bytes(field: number, data: Uint8Array): this {
    this.push(fieldKey(field, WIRE_LENGTH_DELIMITED));
    this.push(encodeVarint(data.byteLength));
    this.push(data);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** Embedded message field; its chunks are shared, not copied. */
  message(field: number, child: ProtoMessage): this {
    this.push(fieldKey(field, WIRE_LENGTH_DELIMITED));
    this.push(encodeVarint(child.length));
    for (const chunk of child.chunks) this.push(chunk);
    return this;
  }

  /** Repeated varint field, packed into one length-delimited record. */
  packedVarints(field: number, values: ReadonlyArray<number | bigint>): this {
    const encoded = values.map((v) => encodeVarint(v));
    const total = encoded.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    this.push(fieldKey(field, WIRE_LENGTH_DELIMITED));
    this.push(encodeVarint(total));
    for (const chunk of encoded) this.push(chunk);
    return this;
  }

  /** Repeated float field, packed (little-endian float32). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i += 1) view.setFloat32(i * 4, values[i] as number, true);
    return this.bytes(field, bytes);
  }

  /** Repeated varint field written unpacked (one record per value), as proto2 declares ONNX's `ints`. */
  repeatedVarints(field: number, values: ReadonlyArray<number | bigint>): this {
    for (const value of values) this.varint(field, value);
    return this;
  }

  /** The chunks in order, for streaming to a file without concatenating. */
  toChunks(): readonly Uint8Array[] {
    return this.chunks;
  }

  /** One contiguous buffer (copies everything; fine for small messages and tests). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
}
