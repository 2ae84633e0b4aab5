/**
 * The embedding map's per-point data, computed once per map, colouring or selection change (never
 * per frame): coordinates normalised to [0, 1], colours packed as RGBA words, a selection mask.
 */
import type { EmbeddingMap as MapData } from '../../main/contract/similarity-types.js';

const PALETTE = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
  [174, 199, 232],
  [255, 187, 120],
  [152, 223, 138],
  [255, 152, 150],
  [197, 176, 213],
  [196, 156, 148],
  [247, 182, 210],
  [199, 199, 199],
  [219, 219, 141],
  [158, 218, 229],
] as const;
const UNKNOWN: readonly [number, number, number] = [160, 160, 160];

export type ColourBy = 'prediction' | 'label';

/** Map coordinates normalised to [0, 1] (aspect kept, centred), so the view transform is simple. */
export function normalise(map: MapData): Float32Array {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i < map.imageIds.length; i++) {
    const x = map.xy[2 * i]!,
      y = map.xy[2 * i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const out = new Float32Array(map.xy.length);
  for (let i = 0; i < map.imageIds.length; i++) {
    out[2 * i] = (map.xy[2 * i]! - minX) / span + (span - (maxX - minX)) / (2 * span);
    out[2 * i + 1] = (map.xy[2 * i + 1]! - minY) / span + (span - (maxY - minY)) / (2 * span);
  }
  return out;
}

/** One RGBA pixel as a little-endian 32-bit word, to write through a Uint32Array view of ImageData. */
export function packRgba(c: readonly number[]): number {
  return ((255 << 24) | (c[2]! << 16) | (c[1]! << 8) | c[0]!) >>> 0;
}

/** Each point's packed colour: its predicted class, or its label (in order of first appearance). */
export function colours(map: MapData, by: ColourBy): Uint32Array {
  const out = new Uint32Array(map.imageIds.length);
  const labelIndex = new Map<string, number>();
  for (let i = 0; i < map.imageIds.length; i++) {
    let c: readonly number[] = UNKNOWN;
    if (by === 'prediction' && map.classIndex[i]! >= 0) c = PALETTE[map.classIndex[i]! % PALETTE.length]!;
    if (by === 'label' && map.label[i] !== null) {
      const label = map.label[i]!;
      if (!labelIndex.has(label)) labelIndex.set(label, labelIndex.size);
      c = PALETTE[labelIndex.get(label)! % PALETTE.length]!;
    }
    out[i] = packRgba(c);
  }
  return out;
}

/** 1 where point i is selected, so the rasteriser reads a byte instead of hashing an id. */
export function pickedMask(map: MapData, selection: ReadonlySet<number>): Uint8Array {
  const out = new Uint8Array(map.imageIds.length);
  if (selection.size === 0) return out;
  for (let i = 0; i < map.imageIds.length; i++) if (selection.has(map.imageIds[i]!)) out[i] = 1;
  return out;
}
