/**
 * When to decode a JPEG smaller than it is (libjpeg DCT scaling by 1/2, 1/4, 1/8: "shrink on
 * load"), trading exactness for speed on big photos.
 *
 * sharp decides the libjpeg factor itself from the resize it is asked for (src/pipeline.cc):
 * with shrink = min(w / targetW, h / targetH) it takes the largest s in {8, 4, 2} with
 * shrink >= s, then halves s when floor(shrink) == s ("known libjpeg rounding errors"). Asking
 * for exactly ceil(w/s) x ceil(h/s) therefore never gets factor s. So Fieldmark asks sharp for
 * the resize size itself (kernel 'linear': a triangle filter widened by the scale, which is what
 * PIL's BILINEAR does), and only when the predicted libjpeg factor is at least 2, i.e. when the
 * image is at least 3x the resize size on both axes; below that sharp would decode at full size
 * anyway and the exact path is as fast.
 *
 * Measured (2-core machine, sharp.concurrency(1), mean abs difference of the 224x224 uint8 crop
 * against the exact path; see test/engine/preprocess-speed.test.ts and the report):
 * - 1280x853 JPEG:  exact ~12 ms, shrink ~7 ms;  pillow diff 1.1, cv2 diff 2.2 (smooth) .. 9.8 (textured)
 * - 4032x3024 JPEG: exact ~60-150 ms, shrink ~20-33 ms; pillow diff 0.4-1.6, cv2 diff 2.5 .. 15
 * cv2's INTER_LINEAR does not antialias, so on detailed photos shrunk 3x or more the exact cv2
 * result is aliased; any shrink-on-load removes that aliasing, which is the whole difference.
 * Callers that need the bit-exact mmcv result pass `shrinkOnLoad: false`.
 */
import type { Size } from './geometry.js';

export interface ShrinkOnLoad {
  /** What sharp is asked to resize to (the plan's resize size). */
  target: Size;
  /** The libjpeg scale denominator sharp will use (2, 4 or 8). */
  jpegFactor: number;
}

/** The libjpeg shrink factor sharp picks for resizing `source` to `target` (1 = none). */
export function sharpJpegShrinkFactor(source: Size, target: Size): number {
  const shrink = Math.min(source.width / target.width, source.height / target.height);
  let factor = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  if (factor > 1 && Math.trunc(shrink) === factor) factor /= 2;
  return factor;
}

/**
 * Whether to let sharp shrink a JPEG on load, and to what size; null to decode at full size.
 * CMYK JPEGs are excluded: Fieldmark converts them with OpenCV's formula after decoding, and
 * sharp does not shrink on load in a CMYK pipeline anyway.
 */
export function chooseShrinkOnLoad(format: string, space: string, source: Size, resized: Size): ShrinkOnLoad | null {
  if (format !== 'jpeg' || space === 'cmyk') return null;
  const jpegFactor = sharpJpegShrinkFactor(source, resized);
  if (jpegFactor < 2) return null;
  return { target: { width: resized.width, height: resized.height }, jpegFactor };
}
