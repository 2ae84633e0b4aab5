/**
 * `models quantize`: float ResNet model -> int8 QDQ model calibrated on the user's own images,
 * checked against the float model on held-out images, its speed-up measured here, and the
 * figures written into the new model's metadata. Runs wherever it is called; the app calls it
 * in a worker thread (quantize-client.ts) because sessions block their thread.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FieldmarkError, unreachable } from '../../util/errors.js';
import { installedModelPath, modelsCacheDir } from '../fetch/model-cache.js';
import { METADATA_KEY, type ModelMetadata, type QuantizationInfo } from '../onnx/model-metadata.js';
import { parseOnnxModel } from '../onnx/onnx-reader.js';
import { encodeModel, writeOnnxModel } from '../onnx/onnx-writer.js';
import { resolveModel } from '../fetch/resolve-model.js';
import { checkInChunks, type AgreementReport } from './accuracy-check.js';
import { correctBiasesForWeightRounding } from './bias-correction.js';
import { calibrateRanges } from './calibrate.js';
import { CALIBRATION_METHODS, type CalibrationMethod } from './calibration-stats.js';
import { prepareImages, splitCalibrationImages } from './calibration-images.js';
import { foldNormalisationIntoFirstConv, PIXEL_TENSOR } from './pixel-input.js';
import { defaultPrecision, planOptionsFor, PRECISIONS, type Precision } from './precision.js';
import { buildQdqModel, planQdq } from './qdq-graph.js';
import { createCpuSession } from './session.js';
import { floatConvCount, measureSpeedup, profileKernels } from './speed.js';

export const DEFAULT_CALIBRATION_IMAGES = 300;
export const DEFAULT_CHECK_IMAGES = 200;
export const DEFAULT_AGREEMENT_THRESHOLD = 0.98;

export type QuantizePhase = 'prepare' | 'calibrate' | 'check' | 'measure' | 'write';

export interface QuantizeProgress {
  phase: QuantizePhase;
  done: number;
  total: number;
}

export interface QuantizeOptions {
  /** A registry id or an .onnx path. */
  model: string;
  calibrationFolder: string;
  images?: number;
  /** Held-out images to check on; null: every image not used for calibration. */
  checkImages?: number | null;
  method?: CalibrationMethod;
  /** Which layers stay float (precision.ts); default by model size, `defaultPrecision`. */
  precision?: Precision;
  /** Default: `<cache>/models/<id>-int8.onnx`, so it shows in the model list and resolves by id. */
  outPath?: string;
  threshold?: number;
  measureSpeed?: boolean;
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: QuantizeProgress) => void;
}

export interface QuantizeResult {
  path: string;
  metadata: ModelMetadata;
  quantization: QuantizationInfo;
  /** Set when agreement is under the threshold: what to try instead. */
  warning: string | null;
  skippedImages: string[];
  /** The held-out images the check ran on, in the order of `report`'s per-image outputs. */
  checkedFiles: string[];
  /** Operators onnxruntime ran for one image of the int8 model. */
  kernels: Record<string, number>;
  /** Convolutions onnxruntime ran in float beyond those the precision keeps float (0 when all fused as asked). */
  floatConvs: number;
  report: AgreementReport;
}

/** What to try when a method falls short, in the order that usually helps. */
export function suggestMethod(method: CalibrationMethod): CalibrationMethod {
  switch (method) {
    case 'minmax':
      return 'percentile';
    case 'percentile':
      return 'entropy';
    case 'entropy':
      return 'percentile';
    default:
      return unreachable(method);
  }
}

function agreementWarning(info: QuantizationInfo, threshold: number): string | null {
  if (info.top1Agreement >= threshold) return null;
  return (
    `top-1 agreement with the float model is ${(info.top1Agreement * 100).toFixed(2)}% on ${info.checkImages} held-out images, ` +
    `below ${(threshold * 100).toFixed(1)}%: try --method ${suggestMethod(info.method)}, or more calibration images (--images)` +
    (info.precision === 'int8' ? ', or --precision mixed (first conv and residual adds in float: closer, slower)' : '')
  );
}

/**
 * Quantizes a model; see the file comment.
 * @throws FieldmarkError InvalidArgument (bad option, too few images, output = input), ModelMissing,
 *   ModelInvalid (a model it cannot quantize, e.g. already int8 or with unknown operators), NotFound.
 */
export async function quantizeModel(options: QuantizeOptions): Promise<QuantizeResult> {
  const env = options.env ?? process.env;
  const method = options.method ?? 'minmax';
  if (!CALIBRATION_METHODS.includes(method))
    throw new FieldmarkError(
      'InvalidArgument',
      `method: expected one of ${CALIBRATION_METHODS.join(', ')}, received "${String(method)}"`,
    );
  const count = options.images ?? DEFAULT_CALIBRATION_IMAGES;
  if (!Number.isInteger(count) || count < 1)
    throw new FieldmarkError('InvalidArgument', `images: expected a positive integer, received ${count}`);
  if (options.precision !== undefined && !PRECISIONS.includes(options.precision))
    throw new FieldmarkError(
      'InvalidArgument',
      `precision: expected one of ${PRECISIONS.join(', ')}, received "${String(options.precision)}"`,
    );
  const threshold = options.threshold ?? DEFAULT_AGREEMENT_THRESHOLD;
  const progress = options.onProgress ?? (() => {});

  const source = await resolveModel(options.model, { env });
  if (source.metadata.quantization) {
    throw new FieldmarkError(
      'ModelInvalid',
      `model ${source.metadata.id} is already int8 (quantized from ${source.metadata.quantization.sourceModel}): quantize the float model instead`,
    );
  }
  const outPath = resolve(options.outPath ?? installedModelPath(modelsCacheDir(env), `${source.metadata.id}-int8`));
  if (outPath === resolve(source.path))
    throw new FieldmarkError(
      'InvalidArgument',
      `--out ${outPath}: expected a new file, received the input model itself`,
    );

  const spec = source.metadata.preprocess;
  const precision = options.precision ?? defaultPrecision(spec.input);
  const parsed = parseOnnxModel(new Uint8Array(await readFile(source.path)));
  const planOptions = planOptionsFor(parsed, precision);
  // A float first conv reads the normalised input as it is; only an int8 one needs pixels (pixel-input.ts).
  const floatModel =
    (planOptions.floatNodes?.size ?? 0) > 0 ? parsed : foldNormalisationIntoFirstConv(parsed, spec.mean, spec.std);
  const plan = planQdq(floatModel, planOptions);
  const split = await splitCalibrationImages(
    resolve(options.calibrationFolder),
    count,
    options.checkImages === undefined ? DEFAULT_CHECK_IMAGES : options.checkImages,
  );
  const input = spec.input;
  const prepared = await prepareImages(split.calibration, spec, (done) =>
    progress({ phase: 'prepare', done, total: split.calibration.length }),
  );
  const calibration = prepared.tensors;
  if (calibration.length === 0) {
    throw new FieldmarkError(
      'InvalidArgument',
      `calibration folder ${options.calibrationFolder}: expected decodable images, received none of ${split.calibration.length} (${prepared.skipped.join('; ')})`,
    );
  }

  const calibrated = await calibrateRanges(floatModel, plan, calibration, input, method, (done) =>
    progress({ phase: 'calibrate', done, total: calibration.length }),
  );
  // Pixels are integers 0-255: scale 1, zero point 0 represents every one exactly, whatever the calibration saw.
  for (const tensor of plan.quantizedTensors)
    if (tensor.startsWith(PIXEL_TENSOR)) calibrated.ranges.set(tensor, { min: 0, max: 255 });
  const int8Model = buildQdqModel(
    correctBiasesForWeightRounding(floatModel, calibrated.inputMeans, plan.floatNodes),
    plan,
    calibrated.ranges,
  );
  const int8Bytes = encodeModel(int8Model).toBytes();

  const fp32Session = await createCpuSession(source.path);
  const int8Session = await createCpuSession(int8Bytes);
  let check: Awaited<ReturnType<typeof checkInChunks>>;
  let speed: Awaited<ReturnType<typeof measureSpeedup>> | null = null;
  try {
    check = await checkInChunks(split.heldOut, spec, fp32Session, int8Session, (done) =>
      progress({ phase: 'check', done, total: split.heldOut.length }),
    );
    if (check.report.images === 0) {
      throw new FieldmarkError(
        'InvalidArgument',
        `calibration folder ${options.calibrationFolder}: expected decodable images left to check the model on, received none`,
      );
    }
    if (options.measureSpeed !== false) {
      progress({ phase: 'measure', done: 0, total: 1 });
      speed = await measureSpeedup(fp32Session, int8Session, check.sample, input);
      progress({ phase: 'measure', done: 1, total: 1 });
    }
  } finally {
    await fp32Session.release();
    await int8Session.release();
  }
  const report = check.report;
  const kernels = await profileKernels(int8Bytes, check.sample[0] as Float32Array, input);

  const quantization: QuantizationInfo = {
    format: 'qdq-int8',
    method,
    precision,
    sourceModel: source.metadata.id,
    calibrationImages: calibration.length,
    checkImages: report.images,
    top1Agreement: report.top1Agreement,
    meanAbsDeltaTop1: report.meanAbsDeltaTop1,
    featureRecallAt10: report.featureRecallAt10,
    speedup: speed ? Math.round(speed.speedup * 100) / 100 : null,
    measuredOn: speed ? speed.measuredOn : null,
  };
  const metadata: ModelMetadata = { ...source.metadata, id: `${source.metadata.id}-int8`, quantization };
  progress({ phase: 'write', done: 0, total: 1 });
  try {
    await mkdir(dirname(outPath), { recursive: true });
    // writeOnnxModel goes through a temporary file renamed into place: a failed write leaves no half model.
    await writeOnnxModel(
      { ...int8Model, metadata: { ...int8Model.metadata, [METADATA_KEY]: JSON.stringify(metadata) } },
      outPath,
    );
  } catch (error) {
    throw new FieldmarkError('WriteFailed', `could not write ${outPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  progress({ phase: 'write', done: 1, total: 1 });
  return {
    path: outPath,
    metadata,
    quantization,
    warning: agreementWarning(quantization, threshold),
    skippedImages: [...prepared.skipped, ...check.skipped],
    checkedFiles: check.files,
    kernels,
    floatConvs: Math.max(
      0,
      floatConvCount(kernels) -
        floatModel.nodes.filter((n) => n.opType === 'Conv' && plan.floatNodes.has(n.name)).length,
    ),
    report,
  };
}
