/**
 * `npm run bench:int8-accuracy`: the pretrained CIFAR-10 ResNet-20 and ResNet-32 (akamaster,
 * ../shared/reference/weights/) quantized with each calibration method on 200 CIFAR-10 test
 * JPEGs and checked on the other 9,800: top-1 agreement with the float model, top-1 accuracy of
 * both (labels from the file names `<index>_<label>.jpg`), mean |dp| of the top-1, recall@10 of
 * feature search against the float neighbours, and the speed-up the quantizer measured.
 * Options: --models resnet20,resnet32  --methods minmax,percentile,entropy  --precision int8|mixed (default: the
 * quantizer's, mixed for these 32 px models)  --check N (default all)  --json FILE.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importModel } from '../main/zoo/fetch/install-model.js';
import { CALIBRATION_METHODS, type CalibrationMethod } from '../main/zoo/quantize/calibration-stats.js';
import { PRECISIONS, type Precision } from '../main/zoo/quantize/precision.js';
import { quantizeModel } from '../main/zoo/quantize/quantize-model.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const reference = join(repoRoot, '..', 'shared', 'reference');
const CHECKPOINTS: Record<string, { file: string; like: string }> = {
  resnet20: { file: 'resnet20-12fca82f.th', like: 'akamaster-resnet20_cifar10' },
  resnet32: { file: 'resnet32-d509ac18.th', like: 'akamaster-resnet32_cifar10' },
};

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    methods: { type: 'string' },
    check: { type: 'string' },
    precision: { type: 'string' },
    json: { type: 'string' },
  },
});
const models = (values.models ?? 'resnet20,resnet32').split(',');
const methods = (values.methods ?? CALIBRATION_METHODS.join(',')).split(',') as CalibrationMethod[];
const check = values.check === undefined ? null : Number(values.check);
const precision = values.precision as Precision | undefined;
if (precision !== undefined && !PRECISIONS.includes(precision))
  throw new Error(`--precision: expected ${PRECISIONS.join(' or ')}, received ${precision}`);
const pct = (value: number, digits = 2): string => `${(value * 100).toFixed(digits)}%`;

const labelOf = (file: string): number => Number(/_(\d+)\.[a-z]+$/i.exec(basename(file))?.[1] ?? Number.NaN);

const cache = mkdtempSync(join(tmpdir(), 'fieldmark-bench-int8-acc-'));
const env = { ...process.env, FIELDMARK_CACHE_DIR: cache };
try {
  const rows: Record<string, unknown>[] = [];
  for (const name of models) {
    const checkpoint = CHECKPOINTS[name];
    if (!checkpoint) throw new Error(`--models: expected resnet20 or resnet32, received ${name}`);
    await importModel(join(reference, 'weights', checkpoint.file), checkpoint.like, { env });
    for (const method of methods) {
      const result = await quantizeModel({
        model: checkpoint.like,
        calibrationFolder: join(reference, 'cifar10_test', 'jpg'),
        images: 200,
        checkImages: check,
        method,
        ...(precision ? { precision } : {}),
        env,
        outPath: join(cache, `${name}-${method}.onnx`),
      });
      const labels = result.checkedFiles.map(labelOf);
      const accuracy = (top1: Int32Array): number =>
        labels.filter((label, i) => label === top1[i]).length / labels.length;
      const q = result.quantization;
      const row = {
        model: name,
        method,
        precision: q.precision,
        checked: q.checkImages,
        agreement: q.top1Agreement,
        fp32_accuracy: accuracy(result.report.fp32.top1),
        int8_accuracy: accuracy(result.report.int8.top1),
        mean_abs_dp: q.meanAbsDeltaTop1,
        recall_at_10: q.featureRecallAt10,
        speedup: q.speedup,
        float_convs: result.floatConvs,
      };
      rows.push(row);
      console.log(
        `${name} ${method.padEnd(10)} ${String(q.precision).padEnd(5)} agreement ${pct(row.agreement)} | top-1 fp32 ${pct(row.fp32_accuracy)} int8 ${pct(row.int8_accuracy)} ` +
          `(${((row.int8_accuracy - row.fp32_accuracy) * 100).toFixed(2)} pp) | mean |dp| ${row.mean_abs_dp.toFixed(4)} | ` +
          `recall@10 ${row.recall_at_10 === null ? '-' : pct(row.recall_at_10, 1)} | speed-up ${row.speedup}x | float convs ${row.float_convs}`,
      );
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
} finally {
  rmSync(cache, { recursive: true, force: true });
}
