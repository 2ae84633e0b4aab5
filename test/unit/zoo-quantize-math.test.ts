import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activationParams,
  quantizeBias,
  quantizeWeightsPerChannel,
  roundHalfEven,
} from '../../main/zoo/quantize/quant-params.js';
import { klThreshold, TensorStats } from '../../main/zoo/quantize/calibration-stats.js';
import { parseModelMetadata } from '../../main/zoo/onnx/model-metadata-schema.js';

test('round half to even, as QuantizeLinear rounds', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6, -2.6].map(roundHalfEven), [0, 2, 2, -0, -2, 2, 3, -3]);
});

test('per-channel symmetric int8 weights: scale is max|w|/127 per output channel, zero point 0', () => {
  // Two output channels of 2x2 kernels with one input channel.
  const weights = Float32Array.from([0.5, -1.27, 0.1, 0.0, 3.0, 2.0, -1.0, 0.02]);
  const q = quantizeWeightsPerChannel(weights, 2);
  const expectedScales = [1.27 / 127, 3.0 / 127].map(Math.fround);
  assert.deepEqual(Array.from(q.scales), expectedScales);
  // The largest magnitude of each channel maps to +-127 exactly; the others round to nearest.
  assert.deepEqual(Array.from(q.values), [50, -127, 10, 0, 127, 85, -42, 1]);
  for (let i = 0; i < weights.length; i += 1) {
    const scale = q.scales[Math.floor(i / 4)] as number;
    assert.ok(
      Math.abs((q.values[i] as number) * scale - (weights[i] as number)) <= scale / 2 + 1e-9,
      `value ${i} within half a step`,
    );
  }
});

test('a channel of zeros gets scale 1 and stays zero (no division by zero)', () => {
  const q = quantizeWeightsPerChannel(new Float32Array(4), 1);
  assert.deepEqual(Array.from(q.scales), [1]);
  assert.deepEqual(Array.from(q.values), [0, 0, 0, 0]);
  assert.throws(() => quantizeWeightsPerChannel(new Float32Array(5), 2), /do not split/);
});

test('uint8 activation params hold 0 exactly and cover the range', () => {
  assert.deepEqual(activationParams(0, 2.55), { scale: Math.fround(0.01), zeroPoint: 0 });
  const signed = activationParams(-1, 3);
  assert.equal(signed.scale, Math.fround(4 / 255));
  assert.equal(signed.zeroPoint, 64); // round(1 / (4/255)) = round(63.75)
  // A range that excludes 0 is widened to include it.
  assert.equal(activationParams(1, 2).zeroPoint, 0);
  assert.equal(activationParams(-3, -1).zeroPoint, 255);
  assert.deepEqual(activationParams(0, 0), { scale: 1, zeroPoint: 0 });
});

test('int32 bias uses input scale x weight scale per channel', () => {
  const b = quantizeBias(Float32Array.from([0.1, -0.2]), 0.02, Float32Array.from([0.5, 0.25]));
  assert.deepEqual(Array.from(b.scales), [0.01, 0.005].map(Math.fround));
  assert.deepEqual(Array.from(b.values), [10, -40]);
});

function gaussianWithOutliers(count: number): Float32Array {
  const values = new Float32Array(count);
  let state = 7;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  for (let i = 0; i < count; i += 1)
    values[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  values[0] = 40; // one outlier far in the tail
  return values;
}

test('calibration methods: minmax keeps the outlier, percentile and entropy clip it', () => {
  const stats = new TensorStats(true);
  const data = gaussianWithOutliers(200_000);
  stats.add(data.subarray(0, 100_000));
  stats.add(data.subarray(100_000));
  const minmax = stats.rangeFor('minmax');
  assert.equal(minmax.max, 40);
  const percentile = stats.rangeFor('percentile');
  assert.ok(
    percentile.max > 3 && percentile.max < 5,
    `percentile max ${percentile.max} near the 99.99% quantile of N(0,1) (3.7)`,
  );
  assert.ok(percentile.min < -3 && percentile.min > -5, `percentile min ${percentile.min}`);
  const entropy = stats.rangeFor('entropy');
  assert.ok(entropy.max > 2 && entropy.max < 10, `entropy threshold ${entropy.max} clips the outlier`);
  assert.ok(entropy.min < 0 && entropy.min >= minmax.min);
});

test('histograms survive range growth: a later, wider batch keeps earlier counts', () => {
  const stats = new TensorStats(true);
  stats.add(Float32Array.from({ length: 100_000 }, (_, i) => i / 100_000)); // [0, 1)
  stats.add(Float32Array.from([8])); // forces the range to double three times
  const range = stats.rangeFor('percentile');
  assert.ok(range.max <= 1.01, `99.99% of 100,001 values are below 1, received ${range.max}`);
  assert.deepEqual(stats.rangeFor('minmax'), { min: 0, max: 8 });
  assert.throws(() => new TensorStats(false).rangeFor('minmax'), /no calibration data/);
});

test('KL threshold keeps a histogram that already fits in the levels', () => {
  assert.equal(klThreshold([5, 4, 3, 0, 0], 128), 3);
  // A decaying body (most mass in the first ~100 bins) and one lone value in the last bin.
  const long = Array.from({ length: 2048 }, (_, i) =>
    i < 600 ? Math.round(100000 * Math.exp(-i / 50)) : i === 2047 ? 1 : 0,
  );
  const t = klThreshold(long, 128);
  assert.ok(t >= 128 && t < 1024, `threshold ${t} keeps the body's resolution and drops the lone tail bin`);
});

test('metadata: old files without quantization (or without its precision) stay readable; a malformed quantization field is refused', () => {
  const base = {
    formatVersion: 1,
    id: 'm',
    architecture: 'resnet20',
    labelSet: 'cifar10',
    classNames: ['a'],
    featureDim: 64,
    trained: true,
    source: { kind: 'seeded', seed: 1 },
    preprocess: {
      resize: { kind: 'none' },
      crop: null,
      input: { width: 32, height: 32 },
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
  };
  const old = parseModelMetadata(JSON.stringify(base));
  assert.ok(old.ok && old.value.quantization === undefined);
  const quantization = {
    format: 'qdq-int8',
    method: 'percentile',
    sourceModel: 'm',
    calibrationImages: 200,
    checkImages: 100,
    top1Agreement: 0.99,
    meanAbsDeltaTop1: 0.01,
    featureRecallAt10: null,
    speedup: 2.5,
    measuredOn: 'cpu',
  };
  const withQ = parseModelMetadata(JSON.stringify({ ...base, quantization }));
  assert.ok(withQ.ok);
  assert.equal(withQ.ok && withQ.value.quantization?.method, 'percentile');
  const bad = parseModelMetadata(
    JSON.stringify({ ...base, quantization: { ...quantization, method: 'kmeans', top1Agreement: 1.5 } }),
  );
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.problem, /quantization\.method/);
  assert.match(bad.ok ? '' : bad.problem, /quantization\.top1Agreement/);
  // precision: optional (int8 files made before it), int8 or mixed.
  assert.ok(withQ.ok && withQ.value.quantization?.precision === undefined);
  const mixed = parseModelMetadata(JSON.stringify({ ...base, quantization: { ...quantization, precision: 'mixed' } }));
  assert.ok(mixed.ok && mixed.value.quantization?.precision === 'mixed');
  const fp16 = parseModelMetadata(JSON.stringify({ ...base, quantization: { ...quantization, precision: 'fp16' } }));
  assert.equal(fp16.ok, false);
  assert.match(fp16.ok ? '' : fp16.problem, /quantization\.precision/);
});
