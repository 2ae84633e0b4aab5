import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeVarint, ProtoMessage } from '../../main/zoo/onnx/protobuf-writer.js';
import {
  asSignedInt64,
  decodeFields,
  decodePackedFloats,
  decodePackedVarints,
  decodeString,
  decodeVarint,
  ProtoDecodeError,
} from '../../main/zoo/onnx/protobuf-reader.js';

test('varints encode as in the protobuf documentation', () => {
  assert.deepEqual([...encodeVarint(1)], [0x01]);
  assert.deepEqual([...encodeVarint(150)], [0x96, 0x01]);
  assert.deepEqual([...encodeVarint(300)], [0xac, 0x02]);
  // Negative int64 values take ten bytes (two's complement).
  assert.deepEqual([...encodeVarint(-1)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.equal(encodeVarint((1n << 63n) - 1n).byteLength, 9);
  assert.throws(() => encodeVarint(1.5), RangeError);
  assert.throws(() => encodeVarint(1n << 64n), RangeError);
});

test('varints decode back, signed values included', () => {
  for (const value of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 53 - 1]) {
    assert.equal(decodeVarint(encodeVarint(value), 0).value, BigInt(value));
  }
  assert.equal(asSignedInt64(decodeVarint(encodeVarint(-5), 0).value), -5n);
  assert.throws(() => decodeVarint(Uint8Array.from([0x80, 0x80]), 0), ProtoDecodeError);
});

test('a message with every field kind round-trips through the decoder', () => {
  const child = new ProtoMessage().string(1, 'key').string(2, 'välue');
  const message = new ProtoMessage()
    .varint(1, 8)
    .message(14, child)
    .float32(2, 1.5)
    .packedVarints(3, [1, 300, -2])
    .packedFloats(4, [0.25, -3, 1e-3])
    .bytes(5, Uint8Array.from([9, 8, 7]));
  const bytes = message.toBytes();
  assert.equal(bytes.byteLength, message.byteLength);
  const fields = [...decodeFields(bytes)];
  assert.deepEqual(
    fields.map((f) => f.field),
    [1, 14, 2, 3, 4, 5],
  );
  assert.equal(fields[0]?.varint, 8n);
  const inner = [...decodeFields(fields[1]?.bytes ?? new Uint8Array())];
  assert.deepEqual(
    inner.map((f) => decodeString(f.bytes ?? new Uint8Array())),
    ['key', 'välue'],
  );
  assert.equal(new DataView((fields[2]!.bytes as Uint8Array).slice().buffer).getFloat32(0, true), 1.5);
  assert.deepEqual(decodePackedVarints(fields[3]!.bytes as Uint8Array).map(asSignedInt64), [1n, 300n, -2n]);
  assert.deepEqual([...decodePackedFloats(fields[4]!.bytes as Uint8Array)], [0.25, -3, Math.fround(1e-3)]);
  assert.deepEqual([...(fields[5]!.bytes as Uint8Array)], [9, 8, 7]);
});

test('embedding a message shares its chunks instead of copying them', () => {
  const payload = new Uint8Array(1024);
  const inner = new ProtoMessage().bytes(1, payload);
  const outer = new ProtoMessage().message(2, inner);
  assert.ok(outer.toChunks().includes(payload));
});

test('truncated or malformed data is refused with a ProtoDecodeError', () => {
  const bytes = new ProtoMessage().string(1, 'hello').toBytes();
  assert.throws(() => [...decodeFields(bytes.subarray(0, bytes.byteLength - 2))], /claims 5 bytes/);
  assert.throws(() => [...decodeFields(Uint8Array.from([0x0b]))], /unsupported wire type 3/);
  assert.throws(() => decodePackedFloats(new Uint8Array(3)), ProtoDecodeError);
});
