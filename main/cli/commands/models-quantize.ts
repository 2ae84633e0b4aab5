/**
 * `fieldmark models quantize <model> --calibrate <folder> [--images N] [--check N|all]
 * [--method minmax|percentile|entropy] [--precision int8|mixed] [--threshold P] [--out F.onnx]`: an int8 copy of a float
 * model, calibrated on the user's images; prints the check, the speed-up and the kernels used.
 */
import { resolve } from 'node:path';
import { CALIBRATION_METHODS } from '../../zoo/quantize/calibration-stats.js';
import { describeInt8 } from '../../zoo/quantize/local-int8-models.js';
import { PRECISIONS } from '../../zoo/quantize/precision.js';
import {
  DEFAULT_AGREEMENT_THRESHOLD,
  DEFAULT_CALIBRATION_IMAGES,
  DEFAULT_CHECK_IMAGES,
  quantizeModel,
  type QuantizeProgress,
} from '../../zoo/quantize/quantize-model.js';
import {
  choiceOption,
  expectPositionals,
  intOption,
  optionalString,
  parseCommandArgs,
  requiredString,
  UsageError,
} from '../args.js';
import { EXIT_OK, type CliContext } from '../context.js';

export const QUANTIZE_USAGE = `  quantize <model file|id> --calibrate <folder> [--images N] [--check N|all]
           [--method minmax|percentile|entropy] [--precision int8|mixed] [--threshold PERCENT]
           [--out <model.onnx>] [--json]
                                         an int8 model calibrated on your images (default ${DEFAULT_CALIBRATION_IMAGES} images,
                                         checked on ${DEFAULT_CHECK_IMAGES} others; --out defaults to the model cache as <id>-int8;
                                         --precision mixed keeps the first conv and residual adds float: the
                                         default for inputs up to 64 px, int8 for larger ones)`;

function checkOption(raw: string | boolean | undefined): number | null {
  if (raw === 'all') return null;
  return intOption('check', raw, DEFAULT_CHECK_IMAGES, 1, 1_000_000);
}

function thresholdOption(raw: string | boolean | undefined): number {
  if (raw === undefined) return DEFAULT_AGREEMENT_THRESHOLD;
  const value = typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || value > 100)
    throw new UsageError(`--threshold: expected a percentage from 0 to 100, received "${String(raw)}"`);
  return value / 100;
}

/** Phase progress on stderr, redrawn in place on a terminal, quiet otherwise. */
function progressLine(context: CliContext): (progress: QuantizeProgress) => void {
  if (!context.stderr.isTTY) return () => {};
  let last = 0;
  return ({ phase, done, total }) => {
    const now = Date.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    context.stderr.write(`\r\x1b[2K${phase} ${done}/${total}`);
  };
}

export async function quantizeCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('models quantize', args, {
    calibrate: { type: 'string' },
    images: { type: 'string' },
    check: { type: 'string' },
    method: { type: 'string' },
    precision: { type: 'string' },
    threshold: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [model] = expectPositionals('models quantize', positionals, ['model']) as [string];
  const folder = resolve(context.cwd, requiredString('calibrate', values.calibrate));
  const out = optionalString(values.out);
  const onProgress = progressLine(context);
  const result = await quantizeModel({
    model: model.toLowerCase().endsWith('.onnx') ? resolve(context.cwd, model) : model,
    calibrationFolder: folder,
    images: intOption('images', values.images, DEFAULT_CALIBRATION_IMAGES, 1, 100_000),
    checkImages: checkOption(values.check),
    method: choiceOption('method', values.method, CALIBRATION_METHODS, 'minmax'),
    ...(values.precision === undefined
      ? {}
      : { precision: choiceOption('precision', values.precision, PRECISIONS, 'int8') }),
    threshold: thresholdOption(values.threshold),
    env: context.env,
    onProgress,
    ...(out ? { outPath: resolve(context.cwd, out) } : {}),
  });
  if (context.stderr.isTTY) context.stderr.write('\r\x1b[2K');
  for (const skipped of result.skippedImages) context.stderr.write(`skipped ${skipped}\n`);
  if (values.json) {
    context.stdout.write(
      `${JSON.stringify({ path: result.path, id: result.metadata.id, quantization: result.quantization, kernels: result.kernels, floatConvs: result.floatConvs, warning: result.warning })}\n`,
    );
  } else {
    const q = result.quantization;
    context.stdout.write(`${result.path}\n`);
    context.stdout.write(`${result.metadata.id}: ${describeInt8(q)}\n`);
    context.stdout.write(
      `calibrated on ${q.calibrationImages} images, checked on ${q.checkImages} others; feature recall@10 ${q.featureRecallAt10 === null ? '-' : (q.featureRecallAt10 * 100).toFixed(1) + '%'}\n`,
    );
    const kernels = Object.entries(result.kernels)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    context.stdout.write(`onnxruntime kernels: ${kernels}${result.floatConvs === 0 ? ' (no float Conv left)' : ''}\n`);
  }
  if (result.floatConvs > 0)
    context.stderr.write(
      `warning: ${result.floatConvs} convolutions still run in float32 after onnxruntime's fusions (beyond those --precision keeps float)\n`,
    );
  if (result.warning) context.stderr.write(`warning: ${result.warning}\n`);
  return EXIT_OK;
}
