import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLaunchArgs } from '../../main/electron/launch-args.js';
import { fitsOnDisplays } from '../../main/electron/window-state.js';

describe('desktop app launch arguments', () => {
  it('reads the folder and the settings overrides', () => {
    const parsed = parseLaunchArgs([
      'dist/main/electron/app.js',
      '--open',
      '/photos',
      '--model',
      'm.onnx',
      '--device',
      'cpu',
      '--batch',
      '4',
      '--threads',
      '2',
    ]);
    assert.equal(parsed.open, '/photos');
    assert.deepEqual(parsed.overrides, { modelId: 'm.onnx', device: 'cpu', batchSize: 4, threads: 2 });
    assert.deepEqual(parsed.problems, []);
  });

  it('takes a bare folder argument and ignores Chromium switches', () => {
    const parsed = parseLaunchArgs(['--no-sandbox', '/home/me/Birds', '--enable-logging']);
    assert.equal(parsed.open, '/home/me/Birds');
    assert.deepEqual(parsed.overrides, {});
  });

  it('reports bad values instead of failing the start', () => {
    const parsed = parseLaunchArgs(['--device', 'tpu', '--batch', '0', '--threads', 'many']);
    assert.deepEqual(parsed.overrides, {});
    assert.deepEqual(parsed.problems, [
      '--device: expected auto|cpu|gpu, received "tpu"',
      '--batch: expected an integer from 1 to 256, received "0"',
      '--threads: expected an integer from 1 to 256, received "many"',
    ]);
    assert.equal(parsed.open, null);
  });
});

describe('restoring the window position', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('keeps bounds that are on a display', () => {
    assert.equal(fitsOnDisplays({ x: 100, y: 100, width: 1280, height: 800 }, displays), true);
    assert.equal(
      fitsOnDisplays({ x: 1800, y: 950, width: 1280, height: 800 }, displays),
      true,
      '120x130 still visible',
    );
  });
  it('drops bounds on a monitor that is gone', () => {
    assert.equal(fitsOnDisplays({ x: 2000, y: 0, width: 1280, height: 800 }, displays), false);
    assert.equal(fitsOnDisplays({ x: 1850, y: 0, width: 1280, height: 800 }, displays), false, 'only 70 px visible');
  });
});
