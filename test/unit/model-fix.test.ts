/** Issue 13: the wording of model problems (fix and download id) and the unique names of the models page. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeModelProblem, downloadIdIn, modelFixFor } from '../../main/app/model-fix.js';
import { uniqueNames } from '../../main/app/model-rows.js';

const NOT_INSTALLED =
  'model "resnet50_8xb32_in1k" is not installed (expected /c/x.onnx): run "fieldmark models download resnet50_8xb32_in1k", or fetch U yourself and run "fieldmark models import <file> --like resnet50_8xb32_in1k"';

test('a registry model not installed is fixed by a download of that id', () => {
  assert.equal(modelFixFor('ModelMissing', NOT_INSTALLED), 'download');
  assert.equal(downloadIdIn(NOT_INSTALLED), 'resnet50_8xb32_in1k');
  assert.equal(describeModelProblem('resnet50_8xb32_in1k', 'ModelMissing', NOT_INSTALLED), NOT_INSTALLED);
});

test('a broken file is fixed by an import or another file; an unknown id names the three ways', () => {
  const broken = describeModelProblem(
    '/m/x.onnx',
    'ModelInvalid',
    'model file /m/x.onnx is not a valid ONNX file: bad wire type',
  );
  assert.equal(modelFixFor('ModelInvalid', broken), 'import');
  assert.match(broken, /\/m\/x\.onnx.*models import/);
  assert.equal(downloadIdIn(broken), null);
  const unknown = describeModelProblem(
    'resnet9000',
    'InvalidArgument',
    'model "resnet9000": expected a path to an .onnx file or a registry id, received neither',
  );
  assert.equal(modelFixFor('InvalidArgument', unknown), 'choose-file');
  assert.match(unknown, /resnet9000.*models download <id>.*models import.*\.onnx file/);
  assert.match(describeModelProblem('gone', 'ModelMissing', 'file missing'), /^model "gone": file missing/);
});

test('uniqueNames appends the id only to names that repeat', () => {
  const rows = uniqueNames([
    { id: '/a/m.onnx', name: 'File: m.onnx' },
    { id: '/b/m.onnx', name: 'File: m.onnx' },
    { id: 'r18', name: 'ResNet-18' },
  ]);
  assert.deepEqual(
    rows.map((row) => row.name),
    ['File: m.onnx [/a/m.onnx]', 'File: m.onnx [/b/m.onnx]', 'ResNet-18'],
  );
});
