/** An interleaved RGB uint8 image (HWC), the currency between decoding and resampling. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Copies a box out of an image (the box must lie inside it). */
export function extractBox(image: RgbImage, box: { x: number; y: number; width: number; height: number }): RgbImage {
  const out = new Uint8Array(box.width * box.height * 3);
  const rowBytes = box.width * 3;
  for (let row = 0; row < box.height; row++) {
    const start = ((box.y + row) * image.width + box.x) * 3;
    out.set(image.data.subarray(start, start + rowBytes), row * rowBytes);
  }
  return { data: out, width: box.width, height: box.height };
}
