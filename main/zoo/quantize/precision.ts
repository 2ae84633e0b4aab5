/**
 * Which parts of a model stay float ("mixed precision"). 'int8' runs every Conv as QLinearConv and
 * every residual Add as QLinearAdd: the fastest graph. 'mixed' keeps the first convolution (it reads
 * the image) and the residual Adds (so the skip path is never rounded again block after block) in
 * float; every other Conv is still int8.
 * Measured (bench/quantize-accuracy.ts, minmax, 200 calibration images, 9,800 held-out CIFAR-10
 * test images): top-1 agreement ResNet-20 98.95% -> 99.03%, ResNet-32 98.59% -> 99.09%; keeping
 * the residual Adds alone gave 98.94% on both, the first conv alone 98.72% on ResNet-20.
 * It costs speed (batch 8, this loaded 2-core machine, noisy): ResNet-20 int8 ~1.8-2.0x the float
 * speed, mixed ~1.2-1.4x; ResNet-50 int8 2.6-2.7x, mixed 1.7x (float residual Adds alone 1.8-2.0x;
 * on ResNet-20 a float first conv also stops onnxruntime keeping the int8 convs in NHWC: 18 Transposes).
 * The ResNet-50 speed target cannot afford that, so the default is 'mixed' only for
 * small-input models (CIFAR-style, at most 64 px), where the agreement gain was measured, and
 * 'int8' for the rest.
 */
import { MODEL_INPUT_NAME, type PreprocessSpec } from '../onnx/model-metadata.js';
import type { OnnxModel } from '../onnx/onnx-writer.js';
import type { QdqPlanOptions } from './qdq-graph.js';

export const PRECISIONS = ['int8', 'mixed'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Inputs up to this side (pixels) get 'mixed' by default. */
const SMALL_INPUT_SIDE = 64;

/** 'mixed' for small-input (CIFAR-style) models, 'int8' for the rest; see the file comment. */
export function defaultPrecision(input: PreprocessSpec['input']): Precision {
  return Math.max(input.width, input.height) <= SMALL_INPUT_SIDE ? 'mixed' : 'int8';
}

/** The convolutions that read the graph input (the first layer). */
export function firstConvs(model: OnnxModel): string[] {
  return model.nodes.filter((n) => n.opType === 'Conv' && n.inputs[0] === MODEL_INPUT_NAME).map((n) => n.name);
}

/** The quantizer's plan options for `precision` on `model` (the float model, before any input rewrite). */
export function planOptionsFor(model: OnnxModel, precision: Precision): QdqPlanOptions {
  return precision === 'mixed' ? { floatNodes: new Set(firstConvs(model)), floatResiduals: true } : {};
}
