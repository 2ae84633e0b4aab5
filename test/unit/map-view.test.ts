/** The embedding map's pure parts: the view transform, the layer-to-view affine map, hover lookup and the rasteriser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIT_VIEW,
  frameFor,
  insidePolygon,
  nearestPoint,
  screenX,
  screenY,
  viewToView,
  zoomAbout,
  type View,
} from '../../renderer/map/map-view.js';
import { rasterisePoints } from '../../renderer/map/map-raster.js';

const frame = frameFor(400, 300);
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

test('a pixel drawn at one view lands where the other view puts it (the cached layer blit)', () => {
  const from: View = { scale: 1.7, x: 12, y: -30 };
  const to: View = { scale: 4.2, x: -55, y: 80 };
  const { k, dx, dy } = viewToView(from, to, frame);
  for (const [u, v] of [
    [0, 0],
    [0.3, 0.9],
    [1, 0.5],
  ] as const) {
    close(k * screenX(u, from, frame) + dx, screenX(u, to, frame), `x of (${u}, ${v})`);
    close(k * screenY(v, from, frame) + dy, screenY(v, to, frame), `y of (${u}, ${v})`);
  }
  assert.deepEqual(viewToView(to, to, frame), { k: 1, dx: 0, dy: 0 });
});

test('the wheel zooms about the pointer and stays within its limits', () => {
  const pointer = { x: 90, y: 210 };
  const u = 0.37;
  const v = 0.81;
  const before: View = { scale: 2, x: 40, y: -10 };
  // Move the point (u, v) under the pointer first, then zoom: it must stay there.
  const at: View = {
    ...before,
    x: before.x + pointer.x - screenX(u, before, frame),
    y: before.y + pointer.y - screenY(v, before, frame),
  };
  const after = zoomAbout(at, pointer, -120, frame);
  assert.ok(after.scale > at.scale);
  close(screenX(u, after, frame), pointer.x, 'x under the pointer');
  close(screenY(v, after, frame), pointer.y, 'y under the pointer');
  let far = FIT_VIEW;
  for (let i = 0; i < 100; i++) far = zoomAbout(far, pointer, 1000, frame);
  assert.equal(far.scale, 0.2);
});

test('hover finds the nearest point within the radius, and nothing beyond it', () => {
  const points = Float32Array.from([0.1, 0.1, 0.5, 0.5, 0.52, 0.5]);
  const view: View = { scale: 3, x: 5, y: -7 };
  const second = { x: screenX(0.5, view, frame), y: screenY(0.5, view, frame) };
  assert.equal(nearestPoint(points, view, frame, { x: second.x + 2, y: second.y - 1 }, 8), 1);
  assert.equal(nearestPoint(points, view, frame, { x: second.x, y: second.y + 30 }, 8), -1);
  assert.ok(
    insidePolygon(1, 1, [
      { x: 0, y: 0 },
      { x: 2, y: 0 },
      { x: 2, y: 2 },
      { x: 0, y: 2 },
    ]),
  );
});

test('rasterising into a layer with a margin gives the canvas pixels shifted by the margin', () => {
  const points = Float32Array.from([0.2, 0.3, 0.5, 0.5, 0.99, 0.01]);
  const rgb = Uint32Array.from([11, 22, 33]);
  const picked = Uint8Array.from([0, 1, 0]);
  const view: View = { scale: 1.3, x: 30, y: 10 };
  const plain = { pixels: new Uint32Array(400 * 300), width: 400, height: 300, originX: 0, originY: 0 };
  rasterisePoints(plain, points, rgb, picked, view, frame);
  const margin = 50;
  const layer = { pixels: new Uint32Array(500 * 400), width: 500, height: 400, originX: -margin, originY: -margin };
  rasterisePoints(layer, points, rgb, picked, view, frame);
  let drawn = 0;
  for (let y = 0; y < 300; y++)
    for (let x = 0; x < 400; x++) {
      const value = plain.pixels[y * 400 + x]!;
      assert.equal(layer.pixels[(y + margin) * 500 + x + margin], value, `pixel ${x}, ${y}`);
      if (value !== 0) drawn += 1;
    }
  // Two 4 px dots on the canvas (the small-library dot size), the selected one 6 px; the third is off it.
  assert.equal(drawn, 16 + 36);
  assert.ok(
    layer.pixels.some((value) => value === 33),
    'the margin holds the point just off the canvas',
  );
});
