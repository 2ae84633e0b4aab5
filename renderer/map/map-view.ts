/**
 * The embedding map's view transform as plain numbers: where a normalised point lands on screen,
 * how the wheel zooms about the pointer, and how a layer rasterised at one view maps onto another
 * (the affine transform that lets a pan/zoom frame reuse the cached points instead of redrawing them).
 */

/** Zoom factor and pan offset in CSS pixels; the identity view fits the map in the canvas. */
export interface View {
  scale: number;
  x: number;
  y: number;
}

/** The canvas size and the side of the square the whole map fills at scale 1. */
export interface Frame {
  width: number;
  height: number;
  extent: number;
}

export const FIT_VIEW: View = { scale: 1, x: 0, y: 0 };
const MIN_SCALE = 0.2;
const MAX_SCALE = 200;

export function frameFor(width: number, height: number): Frame {
  return { width, height, extent: Math.min(width, height) * 0.92 };
}

/** Screen x of a normalised coordinate u (y: pass v, frame.height and view.y through `screenY`). */
export function screenX(u: number, view: View, frame: Frame): number {
  return (u * frame.extent - frame.extent / 2) * view.scale + frame.width / 2 + view.x;
}

export function screenY(v: number, view: View, frame: Frame): number {
  return (v * frame.extent - frame.extent / 2) * view.scale + frame.height / 2 + view.y;
}

/** The view after a wheel step of `deltaY` at pointer p: the point under the pointer stays put. */
export function zoomAbout(view: View, p: { x: number; y: number }, deltaY: number, frame: Frame): View {
  const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, view.scale * Math.exp(-deltaY * 0.0015)));
  const k = scale / view.scale;
  return {
    scale,
    x: (view.x + frame.width / 2 - p.x) * k + p.x - frame.width / 2,
    y: (view.y + frame.height / 2 - p.y) * k + p.y - frame.height / 2,
  };
}

/** s_to = k * s_from + (dx, dy): where a pixel drawn at view `from` belongs at view `to`. */
export interface Affine {
  k: number;
  dx: number;
  dy: number;
}

export function viewToView(from: View, to: View, frame: Frame): Affine {
  const k = to.scale / from.scale;
  return {
    k,
    dx: frame.width / 2 + to.x - k * (frame.width / 2 + from.x),
    dy: frame.height / 2 + to.y - k * (frame.height / 2 + from.y),
  };
}

/** Index of the point nearest to p on screen within `radius` px, or -1. No allocation per point (100,000 per move). */
export function nearestPoint(
  points: Float32Array,
  view: View,
  frame: Frame,
  p: { x: number; y: number },
  radius: number,
): number {
  // Compare in normalised coordinates: one multiply-add per axis instead of the full transform.
  const unit = frame.extent * view.scale;
  const u = (p.x - frame.width / 2 - view.x) / unit + 0.5;
  const v = (p.y - frame.height / 2 - view.y) / unit + 0.5;
  let best = -1;
  let bestDistance = (radius / unit) ** 2;
  for (let i = 0; i < points.length / 2; i++) {
    const du = points[2 * i]! - u;
    const dv = points[2 * i + 1]! - v;
    const d = du * du + dv * dv;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  }
  return best;
}

/** Even-odd test of a point against a closed outline. */
export function insidePolygon(x: number, y: number, polygon: readonly { x: number; y: number }[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!,
      b = polygon[j]!;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}
