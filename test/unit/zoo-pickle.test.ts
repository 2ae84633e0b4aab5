import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldmarkError } from '../../main/util/errors.js';
import { PyDict, unpickle } from '../../main/zoo/checkpoint/pickle-reader.js';
import { listZipEntries, readZipEntry } from '../../main/zoo/checkpoint/zip-archive.js';

// Made with CPython's pickle for
// d = {'a': [1, 2.5, 'x', None, True, False], 'b': (1, 2), 'big': 2**70, 'neg': -5, 'n300': 300, 'n70000': 70000,
//      'od': OrderedDict([('k', 1)]), 'bytes': b'\x00\xff', 'shared': [7]}; d['shared2'] = d['shared']
const PROTOCOL_2 =
  '80027d71002858010000006171015d7102284b0147400400000000000058010000007871034e88896558010000006271044b014b02867105580300000062696771068a0900000000000000004058030000006e656771074afbffffff58040000006e33303071084d2c0158060000006e373030303071094a7011010058020000006f64710a63636f6c6c656374696f6e730a4f726465726564446963740a710b2952710c58010000006b710d4b017358050000006279746573710e635f636f646563730a656e636f64650a710f580300000000c3bf711058060000006c6174696e317111867112527113580600000073686172656471145d71154b076158070000007368617265643271166815752e';
const PROTOCOL_4 =
  '800495b1000000000000007d94288c0161945d94284b014740040000000000008c0178944e8889658c0162944b014b0286948c03626967948a090000000000000000408c036e6567944afbffffff8c046e333030944d2c018c066e3730303030944a701101008c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b01738c05627974657394430200ff948c06736861726564945d944b07618c0773686172656432946813752e';
/** pickle.dumps({'a': [1, 2.5, 'x']}, protocol=0) */
const PROTOCOL_0 = '286470300a56610a70310a286c70320a49310a6146322e350a6156780a70330a61732e';

const noStorage = () => {
  throw new Error('no persistent ids expected');
};

function load(hex: string): unknown {
  return unpickle(Buffer.from(hex, 'hex'), 0, noStorage, 'test pickle').value;
}

function checkDecoded(value: unknown): void {
  assert.ok(value instanceof PyDict);
  assert.deepEqual(value.get('a'), [1, 2.5, 'x', null, true, false]);
  assert.deepEqual(value.get('b'), [1, 2]);
  assert.equal(value.get('big'), 2n ** 70n);
  assert.equal(value.get('neg'), -5);
  assert.equal(value.get('n300'), 300);
  assert.equal(value.get('n70000'), 70000);
  const od = value.get('od');
  assert.ok(od instanceof PyDict);
  assert.equal(od.get('k'), 1);
  assert.deepEqual([...(value.get('bytes') as Uint8Array)], [0, 255]);
  // The memo makes shared references the same object, as in Python.
  assert.equal(value.get('shared'), value.get('shared2'));
}

test('protocol 2, 4 and 0 pickles decode to the same data', () => {
  checkDecoded(load(PROTOCOL_2));
  checkDecoded(load(PROTOCOL_4));
  const p0 = load(PROTOCOL_0);
  assert.ok(p0 instanceof PyDict);
  assert.deepEqual(p0.get('a'), [1, 2.5, 'x']);
});

test('the end offset points after STOP so consecutive pickles can be read', () => {
  const one = Buffer.from(PROTOCOL_0, 'hex');
  const two = Buffer.concat([one, Buffer.from(PROTOCOL_2, 'hex')]);
  const first = unpickle(two, 0, noStorage, 'two pickles');
  assert.equal(first.end, one.byteLength);
  checkDecoded(unpickle(two, first.end, noStorage, 'two pickles').value);
});

function expectUnsafe(bytes: Buffer, pattern: RegExp): void {
  assert.throws(
    () => unpickle(bytes, 0, noStorage, 'evil.pth'),
    (error: unknown) => {
      assert.ok(error instanceof FieldmarkError, String(error));
      assert.equal(error.kind, 'UnsafeCheckpoint');
      assert.match(error.message, pattern);
      return true;
    },
  );
}

test('globals outside the allow-list are refused, naming them, before anything could run', () => {
  expectUnsafe(
    Buffer.from("cos\nsystem\n(S'touch pwned'\ntR.", 'latin1'),
    /evil\.pth: refusing the global "os\.system"/,
  );
  expectUnsafe(Buffer.from("cposix\nsystem\n(S'id'\ntR.", 'latin1'), /"posix\.system"/);
  const stackGlobal = Buffer.concat([
    Buffer.from('8004', 'hex'),
    Buffer.from('\x8c\x08builtins\x8c\x04eval\x93\x8c\x031+1\x85R.', 'latin1'),
  ]);
  expectUnsafe(stackGlobal, /"builtins\.eval"/);
  expectUnsafe(Buffer.from('ctorch.serialization\nload\n.', 'latin1'), /"torch\.serialization\.load"/);
  // INST and OBJ build arbitrary objects: refused by opcode.
  expectUnsafe(Buffer.from("(S'id'\nios\nsystem\n.", 'latin1'), /refusing pickle opcode 0x69/);
});

test('truncated or malformed pickles are CheckpointInvalid', () => {
  const bytes = Buffer.from(PROTOCOL_2, 'hex');
  assert.throws(
    () => unpickle(bytes.subarray(0, 40), 0, noStorage, 'cut.pth'),
    (error: unknown) => {
      assert.ok(error instanceof FieldmarkError);
      assert.equal(error.kind, 'CheckpointInvalid');
      assert.match(error.message, /cut\.pth: truncated pickle/);
      return true;
    },
  );
  assert.throws(() => unpickle(Buffer.from('80024e7400', 'hex'), 0, noStorage, 'x'), /no MARK on the stack/);
  assert.throws(() => unpickle(Buffer.from('8002680a2e', 'hex'), 0, noStorage, 'x'), /memo entry 10 is missing/);
});

// zipfile with "archive/stored.txt" (stored) and "archive/deflated.txt" (deflate of 'hello deflated ' x 20).
const ZIP =
  '504b0304140000000000000021008ea373240c0000000c00000012000000617263686976652f73746f7265642e74787468656c6c6f2073746f726564504b03041400000008000000210030b84182160000002c01000014000000617263686976652f6465666c617465642e747874cb48cdc9c95748494dcb492c494d51c818e5e2e60200504b01021403140000000000000021008ea373240c0000000c000000120000000000000000000000800100000000617263686976652f73746f7265642e747874504b010214031400000008000000210030b84182160000002c01000014000000000000000000000080013c000000617263686976652f6465666c617465642e747874504b0506000000000200020082000000840000000000';

test('zip entries are listed from the central directory, stored and deflated ones read back', () => {
  const zip = Buffer.from(ZIP, 'hex');
  const entries = listZipEntries(zip, 'test.zip');
  assert.deepEqual(
    entries.map((e) => [e.name, e.method, e.size]),
    [
      ['archive/stored.txt', 0, 12],
      ['archive/deflated.txt', 8, 300],
    ],
  );
  assert.equal(Buffer.from(readZipEntry(zip, entries[0]!, 'test.zip')).toString(), 'hello stored');
  assert.equal(Buffer.from(readZipEntry(zip, entries[1]!, 'test.zip')).toString(), 'hello deflated '.repeat(20));
  assert.throws(() => listZipEntries(zip.subarray(0, 100), 'cut.zip'), /cut\.zip: not a readable zip archive/);
  assert.throws(() => readZipEntry(zip.subarray(0, 100), entries[1]!, 'short.zip'), /runs past the end of the file/);
});
