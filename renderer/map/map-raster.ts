/**
 * Rasterises the map's points into a Uint32Array of RGBA words (an ImageData's pixels): one
 * 32-bit write per pixel, off-target points skipped before the pixel loops. 100,000 points take
 * 15-25 ms here, too much for a frame of a gesture, so the map caches the result (map-layer.ts)
 * and redraws it in slices of points (`from`, `to`) spread over frames.
 */
import { packRgba } from './map-points.js';
import type { Frame, View } from './map-view.js';

const PICKED = packRgba([0, 0, 0]);

export interface RasterTarget {
  pixels: Uint32Array;
  width: number;
  height: number;
  /** Screen position of the target's pixel (0, 0): negative when the target has a margin around the canvas. */
  originX: number;
  originY: number;
}

/** Dot side in px: bigger dots for small libraries, 2 px squares at 100,000 points. */
export function dotSide(points: number): number {
  return points < 2000 ? 4 : points < 20_000 ? 3 : 2;
}

/** Draws points [from, to) over what the target holds (clear it first for a fresh raster). */
export function rasterisePoints(
  target: RasterTarget,
  points: Float32Array,
  rgb: Uint32Array,
  picked: Uint8Array,
  view: View,
  frame: Frame,
  from = 0,
  to = points.length / 2,
): void {
  const { pixels, width, height } = target;
  const n = points.length / 2;
  const unit = frame.extent * view.scale;
  // screen = (u - 0.5) * unit + centre + pan; shifted into the target's pixels.
  const offsetX = frame.width / 2 + view.x - unit / 2 - target.originX;
  const offsetY = frame.height / 2 + view.y - unit / 2 - target.originY;
  const dot = dotSide(n);
  for (let i = from; i < to; i++) {
    const sx = Math.round(points[2 * i]! * unit + offsetX);
    const sy = Math.round(points[2 * i + 1]! * unit + offsetY);
    const isPicked = picked[i] === 1;
    const side = dot + (isPicked ? 2 : 0);
    const shift = -Math.floor(side / 2);
    // Most points of a zoomed-in view are off the target: skip them before the pixel loops.
    if (sx + shift + side <= 0 || sy + shift + side <= 0 || sx + shift >= width || sy + shift >= height) continue;
    const colour = isPicked ? PICKED : rgb[i]!;
    const x0 = Math.max(0, sx + shift);
    const x1 = Math.min(width, sx + shift + side);
    const y1 = Math.min(height, sy + shift + side);
    for (let py = Math.max(0, sy + shift); py < y1; py++) {
      const row = py * width;
      for (let px = x0; px < x1; px++) pixels[row + px] = colour;
    }
  }
}
