/**
 * What a Fieldmark model file says about itself. Stored as JSON under the key `fieldmark` in the
 * ONNX file's `metadata_props`, so a model file is self-describing: architecture, classes,
 * preprocessing, where its weights came from and whether they are trained at all.
 */

/** Resampling filter; absent means bilinear (the OpenMMLab default). The RSB models use bicubic (pillow). */
export type ResizeInterpolation = 'bilinear' | 'bicubic';

/** How the image is resized before the crop, as in the OpenMMLab test pipelines. */
export type ResizeRule =
  /** ResizeEdge(edge='short'): short edge to `size`, long edge int(size*long/short) (truncated). */
  | { kind: 'short-edge'; size: number; backend: 'cv2' | 'pillow'; interpolation?: ResizeInterpolation }
  /** Resize(scale=(w,h), keep_ratio=False): both edges fixed, aspect ratio not kept. */
  | { kind: 'fixed'; width: number; height: number; backend: 'cv2' | 'pillow'; interpolation?: ResizeInterpolation }
  /** No resize (CIFAR models take their 32x32 input as is; other sizes are resized to fit). */
  | { kind: 'none' };

export interface PreprocessSpec {
  resize: ResizeRule;
  /** mmcv CenterCrop size, or null for none. */
  crop: { width: number; height: number } | null;
  /** The model's input size (height, width of the NCHW tensor). */
  input: { width: number; height: number };
  /** Per-channel mean and std in RGB order on the 0-255 scale (ClsDataPreprocessor). */
  mean: [number, number, number];
  std: [number, number, number];
}

export type WeightsSource =
  | { kind: 'seeded'; seed: number }
  | { kind: 'checkpoint'; file: string; sha256: string; url?: string };

/** How an int8 model was made from its float model, and how close it stays (issue 11). */
export interface QuantizationInfo {
  /** Weights int8 symmetric per output channel, activations uint8 per tensor, as ONNX QDQ. */
  format: 'qdq-int8';
  method: 'minmax' | 'percentile' | 'entropy';
  /** 'mixed': the first conv and the residual Adds stay float (quantize/precision.ts). Absent in files written before it existed: 'int8'. */
  precision?: 'int8' | 'mixed';
  /** The float model's id. */
  sourceModel: string;
  calibrationImages: number;
  /** Held-out images of the calibration folder the check ran on. */
  checkImages: number;
  /** Fraction (0-1) of checked images whose top-1 class is the float model's. */
  top1Agreement: number;
  /** Mean |p_int8 - p_fp32| of the float model's top-1 class. */
  meanAbsDeltaTop1: number;
  /** Recall@10 of feature similarity search against the float model's neighbours; null under 11 images. */
  featureRecallAt10: number | null;
  /** Float time / int8 time for one batch on the machine that quantized it; null when not measured. */
  speedup: number | null;
  measuredOn: string | null;
}

export interface ModelMetadata {
  formatVersion: 1;
  /** Registry id (e.g. `resnet50_8xb32_in1k`) or a generated id for built models. */
  id: string;
  /** e.g. `resnet50`, `resnetv1d101`, `akamaster-resnet20`. */
  architecture: string;
  /** `imagenet1k`, `cub200`, `cifar10`, `cifar100`, or `custom`. */
  labelSet: string;
  classNames: string[];
  preprocess: PreprocessSpec;
  /** Length of the pooled feature vector (the `features` output). */
  featureDim: number;
  /** False for seeded (random) weights: predictions are meaningless, the pipeline is real. */
  trained: boolean;
  source: WeightsSource;
  /** Free text shown to users (licence, published accuracy). */
  notes?: string;
  /** Present on int8 models only (absent on every file written before issue 11). */
  quantization?: QuantizationInfo;
  /** Present on models trained from a user's labels (issue 10): a base backbone with a new head. */
  training?: TrainedHeadInfo;
}

/** How a head trained from a user's labels was made (issue 10). */
export interface TrainedHeadInfo {
  baseModelId: string;
  /** SHA-256 of the base model file whose features the head was trained on. */
  baseModelSha256: string;
  trainingLabels: number;
  /** Out-of-fold top-1 accuracy of the cross-validation that chose the regularisation. */
  cvAccuracy: number;
  /** The chosen inverse L2 strength (scikit-learn's C) and the number of folds. */
  regularisationC: number;
  folds: number;
  /** ISO 8601 time of training. */
  trainedAt: string;
}

/** The ONNX graph's input and output names, shared by every model Fieldmark builds or converts. */
export const MODEL_INPUT_NAME = 'input';
export const MODEL_PROBABILITIES_OUTPUT = 'probabilities';
export const MODEL_FEATURES_OUTPUT = 'features';
export const METADATA_KEY = 'fieldmark';

/** ImageNet mean/std on the 0-255 scale, from mmpretrain's ClsDataPreprocessor configs. */
export const IMAGENET_MEAN: [number, number, number] = [123.675, 116.28, 103.53];
export const IMAGENET_STD: [number, number, number] = [58.395, 57.12, 57.375];
