import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { FieldmarkError } from '../../main/util/errors.js';
import type { ModelMetadata } from '../../main/zoo/onnx/model-metadata.js';
import { readMetadataProps, readModelMetadata } from '../../main/zoo/onnx/model-file.js';
import { writeOnnxModel, type OnnxModel } from '../../main/zoo/onnx/onnx-writer.js';
import { makeTempDir } from '../fixtures/zoo-helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
before(async () => ({ dir, cleanup } = await makeTempDir('zoo-metadata')));
after(() => cleanup());

const METADATA: ModelMetadata = {
  formatVersion: 1,
  id: 'tiny-identity',
  architecture: 'identity',
  labelSet: 'custom',
  classNames: ['a', 'b'],
  preprocess: { resize: { kind: 'none' }, crop: null, input: { width: 2, height: 1 }, mean: [0, 0, 0], std: [1, 1, 1] },
  featureDim: 2,
  trained: false,
  source: { kind: 'seeded', seed: 0 },
};

/** A two-output graph (Softmax and Flatten over a 2-wide input) with the given metadata. */
function tinyModel(metadata: Record<string, string>): OnnxModel {
  return {
    graphName: 'tiny',
    producerName: 'test',
    producerVersion: '0',
    nodes: [
      {
        opType: 'Flatten',
        name: 'flat',
        inputs: ['input'],
        outputs: ['features'],
        attributes: [{ name: 'axis', kind: 'int', value: 1 }],
      },
      { opType: 'Mul', name: 'scale', inputs: ['features', 'two'], outputs: ['scaled'] },
      {
        opType: 'Softmax',
        name: 'soft',
        inputs: ['scaled'],
        outputs: ['probabilities'],
        attributes: [{ name: 'axis', kind: 'int', value: 1 }],
      },
    ],
    initializers: [{ name: 'two', dims: [1], data: Float32Array.from([2]) }],
    inputs: [{ name: 'input', elemType: 'float32', shape: ['batch', 1, 1, 2] }],
    outputs: [
      { name: 'probabilities', elemType: 'float32', shape: ['batch', 2] },
      { name: 'features', elemType: 'float32', shape: ['batch', 2] },
    ],
    metadata,
  };
}

test('metadata written into metadata_props reads back, and onnxruntime sees the same keys', async () => {
  const path = join(dir, 'tiny.onnx');
  await writeOnnxModel(tinyModel({ fieldmark: JSON.stringify(METADATA), note: 'é ✓' }), path);
  assert.deepEqual(await readModelMetadata(path), METADATA);
  assert.deepEqual(await readMetadataProps(path), { fieldmark: JSON.stringify(METADATA), note: 'é ✓' });
  const session = await ort.InferenceSession.create(path);
  const out = await session.run({
    input: new ort.Tensor('float32', Float32Array.from([0, Math.log(3) / 2]), [1, 1, 1, 2]),
  });
  const p = out.probabilities?.data as Float32Array;
  assert.ok(Math.abs((p[0] as number) - 0.25) < 1e-6 && Math.abs((p[1] as number) - 0.75) < 1e-6);
  await session.release();
});

function expectKind(kind: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof FieldmarkError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, pattern);
    return true;
  };
}

test('a missing file is ModelMissing naming the path', async () => {
  const path = join(dir, 'nope.onnx');
  await assert.rejects(readModelMetadata(path), expectKind('ModelMissing', /nope\.onnx does not exist/));
});

test('a model without the fieldmark key is ModelInvalid listing the keys it has', async () => {
  const path = join(dir, 'foreign.onnx');
  await writeOnnxModel(tinyModel({ author: 'someone' }), path);
  await assert.rejects(
    readModelMetadata(path),
    expectKind('ModelInvalid', /foreign\.onnx has no "fieldmark" metadata.*received metadata keys author/),
  );
});

test('malformed fieldmark JSON or fields are ModelInvalid naming the problem', async () => {
  const notJson = join(dir, 'not-json.onnx');
  await writeOnnxModel(tinyModel({ fieldmark: '{oops' }), notJson);
  await assert.rejects(
    readModelMetadata(notJson),
    expectKind('ModelInvalid', /not-json\.onnx has malformed "fieldmark" metadata: not JSON/),
  );
  const badField = join(dir, 'bad-field.onnx');
  await writeOnnxModel(
    tinyModel({
      fieldmark: JSON.stringify({
        ...METADATA,
        featureDim: -1,
        preprocess: { ...METADATA.preprocess, std: [1, 0, 1] },
      }),
    }),
    badField,
  );
  await assert.rejects(
    readModelMetadata(badField),
    expectKind('ModelInvalid', /bad-field\.onnx has malformed.*featureDim: /),
  );
  await assert.rejects(
    readModelMetadata(badField),
    expectKind('ModelInvalid', /preprocess\.std\.?\d*: std values must be positive/),
  );
});

test('files that are not ONNX are ModelInvalid', async () => {
  const empty = join(dir, 'empty.onnx');
  await writeFile(empty, '');
  await assert.rejects(readModelMetadata(empty), expectKind('ModelInvalid', /empty\.onnx is empty/));
  const text = join(dir, 'text.onnx');
  await writeFile(text, 'this is not a protobuf message at all');
  await assert.rejects(readModelMetadata(text), expectKind('ModelInvalid', /text\.onnx is not a valid ONNX file/));
});
