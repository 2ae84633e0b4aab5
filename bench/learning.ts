/**
 * `npm run bench:learn`: learning from labels. Speed: training a head on 10,000 x 2048-d features
 * (target: under 10 s on the 2-core CI machine), with the in-run baseline of one objective
 * evaluation in plain JS against onnxruntime. Quality: CIFAR-10 with the pretrained ResNet-20 (see
 * learning-quality.ts). Options: --no-quality, --no-speed, --apply-images N (default 20,000), --json FILE.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureTrainingSpeed } from './learning-speed.js';
import { measureQuality } from './learning-quality.js';
import { measureApply } from './learning-apply.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const reference = join(repoRoot, '..', 'shared', 'reference');
const { values } = parseArgs({
  options: {
    'no-quality': { type: 'boolean' },
    'no-speed': { type: 'boolean' },
    'apply-images': { type: 'string' },
    json: { type: 'string' },
  },
});

const work = mkdtempSync(join(tmpdir(), 'fieldmark-bench-learn-'));
const results: Record<string, unknown> = { machine: `${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores` };
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
try {
  console.log(`machine: ${results.machine as string}`);
  if (!values['no-speed']) {
    const speed = await measureTrainingSpeed();
    results.speed = speed;
    console.log(
      `training ${speed.rows} x ${speed.dim} (${speed.classes} classes, CV of C + final fit, worker thread): ${speed.trainSeconds.toFixed(2)} s ` +
        `(target < 10 s); chosen C ${speed.chosenC}, CV accuracy ${pct(speed.cvAccuracy)}`,
    );
    console.log(
      `one objective + gradient evaluation: plain JS ${speed.jsEvaluationMs.toFixed(0)} ms, onnxruntime ${speed.onnxEvaluationMs.toFixed(1)} ms ` +
        `(${(speed.jsEvaluationMs / speed.onnxEvaluationMs).toFixed(1)}x)`,
    );
  }
  if (!values['no-speed']) {
    const applyImages = Number(values['apply-images'] ?? 20_000);
    if (!Number.isInteger(applyImages) || applyImages < 1)
      throw new Error(`--apply-images: expected a positive integer but received ${values['apply-images']}`);
    const apply = await measureApply(work, applyImages);
    results.apply = apply;
    console.log(
      `applying a head to ${apply.images} stored ${apply.dim}-d features (read, predict, store; no backbone pass): ${apply.seconds.toFixed(2)} s ` +
        `(${Math.round(apply.images / apply.seconds)} images/s, so ${(100_000 / (apply.images / apply.seconds)).toFixed(1)} s for 100,000)`,
    );
  }
  if (!values['no-quality']) {
    if (!existsSync(join(reference, 'cifar10_test', 'jpg'))) {
      console.log(`quality skipped: ${join(reference, 'cifar10_test', 'jpg')} is missing`);
    } else {
      const quality = await measureQuality(reference, work);
      results.quality = quality;
      console.log(
        `CIFAR-10, ResNet-20 features, ${quality.seedsPerClass} labels per class, ${quality.testImages} other test images:`,
      );
      console.log(`  the pretrained ResNet-20's own top-1: ${pct(quality.baseTop1)}`);
      console.log(`  trained head, 10 classes: top-1 ${pct(quality.headTop1)} (chance 10%)`);
      console.log(
        `  trained head, animal / vehicle: top-1 ${pct(quality.animalVehicleTop1)} (chance 60% by always "animal")`,
      );
      for (const p of quality.propagation) {
        console.log(
          `  label propagation, min score ${p.minScore}: precision ${pct(p.precision)}, coverage ${pct(p.coverage)}`,
        );
      }
    }
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
