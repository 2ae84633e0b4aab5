/**
 * Pure geometry of the OpenMMLab test pipelines (mmpretrain ResizeEdge, mmcv Resize and
 * CenterCrop), following /work/shared/reference/preprocessing.json `transform_semantics`.
 * No pixels here: these functions only say which sizes and boxes the pixel code must produce.
 */
import type { PreprocessSpec, ResizeRule } from '../../zoo/onnx/model-metadata.js';
import { FieldmarkError, describeValue } from '../../util/errors.js';

export interface Size {
  width: number;
  height: number;
}

/** A box in pixel units: columns x..x+width-1, rows y..y+height-1. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Which resampling code to use for a resize step. */
export type ResizeBackend = 'cv2' | 'pillow';

/** Everything the pixel code needs to turn an oriented `source` image into the model input. */
export interface PreprocessPlan {
  source: Size;
  /** The size the whole image is resized to (equals `source` when there is no resize). */
  resized: Size;
  backend: ResizeBackend;
  /** The region of the resized image that is kept (the whole image when there is no crop). */
  crop: Box;
  /**
   * Fieldmark deviation from mmpretrain: when the crop is not the model input size (an image
   * smaller than the crop, or `resize: none` on a non-32x32 image) it is resized (cv2 bilinear)
   * to `input`, because the ONNX input is fixed. mmpretrain would fail or pad instead.
   */
  finalResize: Size | null;
  input: Size;
}

function assertPositiveInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new FieldmarkError(
      'InvalidArgument',
      `expected a positive integer for ${name} but received ${describeValue(value)}`,
    );
  }
}

function assertSize(size: Size, name: string): void {
  assertPositiveInteger(size.width, `${name} width`);
  assertPositiveInteger(size.height, `${name} height`);
}

/** Python's round() on a float: nearest integer, ties to even (16.5 -> 16, 17.5 -> 18). */
export function roundHalfEven(value: number): number {
  if (!Number.isFinite(value)) {
    throw new FieldmarkError(
      'InvalidArgument',
      `expected a finite number to round but received ${describeValue(value)}`,
    );
  }
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * mmpretrain ResizeEdge(edge='short'): the short edge becomes `scale`, the long edge
 * int(scale*long/short) with truncation; a square image takes the `else` branch.
 */
export function shortEdgeResizeSize(source: Size, scale: number): Size {
  assertSize(source, 'image');
  assertPositiveInteger(scale, 'short-edge scale');
  const { width: w, height: h } = source;
  // Python: int(scale * h / w) evaluates scale*h first, then divides (float), then truncates.
  if (w < h) return { width: scale, height: Math.trunc((scale * h) / w) };
  return { width: Math.trunc((scale * w) / h), height: scale };
}

/** The size the resize rule produces; `none` keeps the image size (the crop/final steps fit it). */
export function resizeTargetSize(rule: ResizeRule, source: Size): Size {
  assertSize(source, 'image');
  switch (rule.kind) {
    case 'short-edge':
      return shortEdgeResizeSize(source, rule.size);
    case 'fixed':
      assertPositiveInteger(rule.width, 'fixed resize width');
      assertPositiveInteger(rule.height, 'fixed resize height');
      return { width: rule.width, height: rule.height };
    case 'none':
      return { width: source.width, height: source.height };
    default:
      rule satisfies never; // checked at compile time; the throw catches a rule read from JSON
      throw new FieldmarkError(
        'InvalidArgument',
        `expected resize kind short-edge, fixed or none but received ${describeValue((rule as { kind: unknown }).kind)}`,
      );
  }
}

/**
 * mmcv CenterCrop: y1 = max(0, round((h - ch) / 2)) with Python's round, same for x; a crop
 * larger than the image is clamped to the image (auto_pad=False), never padded.
 */
export function centerCropBox(image: Size, crop: Size): Box {
  assertSize(image, 'image');
  assertSize(crop, 'crop');
  const x = Math.max(0, roundHalfEven((image.width - crop.width) / 2));
  const y = Math.max(0, roundHalfEven((image.height - crop.height) / 2));
  // mmcv: x2 = min(img_w - 1, x1 + cw - 1), so the kept width is clamped to the image.
  const width = Math.min(image.width - 1, x + crop.width - 1) - x + 1;
  const height = Math.min(image.height - 1, y + crop.height - 1) - y + 1;
  return { x, y, width, height };
}

/** Validates a spec and works out sizes and boxes for an image of `source` size (after EXIF orientation). */
export function planPreprocess(spec: PreprocessSpec, source: Size): PreprocessPlan {
  assertSize(source, 'image');
  assertSize(spec.input, 'model input');
  const resized = resizeTargetSize(spec.resize, source);
  const backend: ResizeBackend = spec.resize.kind === 'none' ? 'cv2' : spec.resize.backend;
  if (backend !== 'cv2' && backend !== 'pillow') {
    throw new FieldmarkError(
      'InvalidArgument',
      `expected resize backend cv2 or pillow but received ${describeValue(backend)}`,
    );
  }
  const crop =
    spec.crop === null
      ? { x: 0, y: 0, width: resized.width, height: resized.height }
      : centerCropBox(resized, spec.crop);
  const fits = crop.width === spec.input.width && crop.height === spec.input.height;
  return {
    source: { width: source.width, height: source.height },
    resized,
    backend,
    crop,
    finalResize: fits ? null : { width: spec.input.width, height: spec.input.height },
    input: { width: spec.input.width, height: spec.input.height },
  };
}
