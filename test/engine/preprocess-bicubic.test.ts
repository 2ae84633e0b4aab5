/**
 * The "ResNet strikes back" configs resize with Pillow BICUBIC (short edge 236, crop 224). Our
 * TypeScript port of Pillow's filter is compared with Pillow itself (Debian's python3-pil),
 * skipped with the reason when it is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { referencePath } from '../helpers/paths.js';
import { PYTHON_PATH } from '../helpers/tool-paths.js';
import { preparePixels } from '../../main/engine/preprocess/index.js';
import type { PreprocessSpec } from '../../main/zoo/onnx/model-metadata.js';

const RSB: PreprocessSpec = {
  resize: { kind: 'short-edge', size: 236, backend: 'pillow', interpolation: 'bicubic' },
  crop: { width: 224, height: 224 },
  input: { width: 224, height: 224 },
  mean: [123.675, 116.28, 103.53],
  std: [58.395, 57.12, 57.375],
};

const PILLOW_SCRIPT = `
import sys
from PIL import Image
img = Image.open(sys.argv[1]).convert('RGB')
w, h = img.size
s = 236
nw, nh = (s, int(s * h / w)) if w < h else (int(s * w / h), s)
r = img.resize((nw, nh), Image.BICUBIC)
x1, y1 = max(0, round((nw - 224) / 2)), max(0, round((nh - 224) / 2))
sys.stdout.buffer.write(r.crop((x1, y1, x1 + 224, y1 + 224)).tobytes())
`;

for (const photo of ['chelsea.png', 'coffee.png', 'astronaut.png']) {
  test(`Pillow BICUBIC resize of ${photo} matches Pillow exactly`, async (t) => {
    const python = spawnSync(PYTHON_PATH, ['-c', PILLOW_SCRIPT, referencePath('photos', photo)], {
      maxBuffer: 1 << 24,
    });
    if (python.status !== 0) {
      t.skip(
        `Pillow is not available to ${PYTHON_PATH} (set FIELDMARK_PYTHON, or apt-get install python3-pil): ${python.stderr?.toString().split('\n').filter(Boolean).pop() ?? python.error?.message}`,
      );
      return;
    }
    const expected = new Uint8Array(python.stdout);
    const { pixels } = await preparePixels(readFileSync(referencePath('photos', photo)), RSB, { shrinkOnLoad: false });
    assert.equal(pixels.length, expected.length);
    let differing = 0;
    let sum = 0;
    for (let i = 0; i < pixels.length; i++) {
      const d = Math.abs(pixels[i]! - expected[i]!);
      if (d) differing += 1;
      sum += d;
    }
    assert.ok(differing === 0, `${differing} values differ, mean abs diff ${(sum / pixels.length).toFixed(4)}`);
  });
}
