/**
 * The int8 quantizer on real models and real images: the pretrained CIFAR-10 ResNet-20
 * (converted from ../shared/reference/weights) calibrated on CIFAR-10 test JPEGs, run by
 * onnxruntime, compared with the float model; plus the CLI, the model list and classify on the
 * int8 model, and the models it must refuse.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppService } from '../../main/app/app-service.js';
import { defaultModelProvider } from '../../main/app/default-model-provider.js';
import type { AppEvent } from '../../main/contract/events.js';
import type { QuantizeStatus } from '../../main/contract/quantize-types.js';
import { FieldmarkError } from '../../main/util/errors.js';
import { convertCheckpoint } from '../../main/zoo/checkpoint/convert-checkpoint.js';
import { readModelMetadata } from '../../main/zoo/onnx/model-file.js';
import { METADATA_KEY } from '../../main/zoo/onnx/model-metadata.js';
import { parseOnnxModel } from '../../main/zoo/onnx/onnx-reader.js';
import { encodeModel, writeOnnxModel, type OnnxModel, type OnnxNode } from '../../main/zoo/onnx/onnx-writer.js';
import { runOutputs } from '../../main/zoo/quantize/accuracy-check.js';
import { prepareImages } from '../../main/zoo/quantize/calibration-images.js';
import { foldNormalisationIntoFirstConv, PIXEL_TENSOR } from '../../main/zoo/quantize/pixel-input.js';
import { createCpuSession } from '../../main/zoo/quantize/session.js';
import { quantizeModel, type QuantizeProgress, type QuantizeResult } from '../../main/zoo/quantize/quantize-model.js';
import { jsonLines, runFieldmark } from '../helpers/cli.js';
import { referencePath, tempDir } from '../helpers/paths.js';

const work = tempDir('quantize');
const floatPath = join(work.path, 'resnet20.onnx');
const calibration = join(work.path, 'calibration');
const env = { ...process.env, FIELDMARK_CACHE_DIR: join(work.path, 'cache') };
let minmax: QuantizeResult;
const phases = new Set<QuantizeProgress['phase']>();

before(async () => {
  await convertCheckpoint({
    checkpointPath: referencePath('weights', 'resnet20-12fca82f.th'),
    outPath: floatPath,
    like: 'akamaster-resnet20_cifar10',
    env,
  });
  await mkdir(calibration);
  const source = referencePath('cifar10_test', 'jpg');
  const names = (await readdir(source)).sort().slice(0, 300);
  await Promise.all(names.map((name) => copyFile(join(source, name), join(calibration, name))));
  // All-int8 here (the default for this 32 px model is 'mixed', tested on its own below).
  minmax = await quantizeModel({
    model: floatPath,
    calibrationFolder: calibration,
    images: 100,
    checkImages: 200,
    precision: 'int8',
    outPath: join(work.path, 'r20-int8.onnx'),
    env,
    onProgress: (p) => phases.add(p.phase),
  });
});
after(() => work.cleanup());

const floatModel = async (): Promise<OnnxModel> => parseOnnxModel(new Uint8Array(await readFile(floatPath)));
const int8Model = async (path = minmax.path): Promise<OnnxModel> =>
  parseOnnxModel(new Uint8Array(await readFile(path)));

test('every Conv and the head Gemm get per-channel int8 weights with scale max|w|/127 (reference computed here)', async () => {
  const float = await floatModel();
  const int8 = await int8Model();
  const floatInit = new Map(float.initializers.map((t) => [t.name, t]));
  const int8Init = new Map(int8.initializers.map((t) => [t.name, t]));
  const producers = new Map<string, OnnxNode>();
  for (const node of int8.nodes) for (const output of node.outputs) producers.set(output, node);
  const weighted = int8.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm');
  const { std } = (await readModelMetadata(floatPath)).preprocess;
  assert.equal(weighted.length, float.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm').length);
  for (const node of weighted) {
    const dq = producers.get(node.inputs[1] as string);
    assert.equal(dq?.opType, 'DequantizeLinear', `${node.name} weight comes from a DequantizeLinear`);
    assert.deepEqual(dq?.attributes, [{ name: 'axis', kind: 'int', value: 0 }]);
    const q = int8Init.get(dq?.inputs[0] as string);
    const scales = int8Init.get(dq?.inputs[1] as string);
    const zeroPoints = int8Init.get(dq?.inputs[2] as string);
    assert.ok(q?.data instanceof Int8Array, `${node.name} weights are int8`);
    assert.ok(
      zeroPoints?.data instanceof Int8Array && zeroPoints.data.every((z) => z === 0),
      'symmetric: zero points 0',
    );
    const stored = floatInit.get(node.name === 'head.fc' ? 'head.fc.weight' : `${node.name}.weight`)
      ?.data as Float32Array;
    const channels = q.dims[0] as number;
    const per = stored.length / channels;
    // The first conv reads pixels: its weights carry the normalisation (W / std of the input channel).
    const original =
      node.name === 'stem.0' ? stored.map((w, i) => w / (std[Math.floor((i % per) / (per / 3))] as number)) : stored;
    for (let o = 0; o < channels; o += 1) {
      let maxAbs = 0;
      for (let i = o * per; i < (o + 1) * per; i += 1) maxAbs = Math.max(maxAbs, Math.abs(original[i] as number));
      assert.ok(
        Math.abs((scales?.data[o] as number) - maxAbs / 127) <= 1e-7 * maxAbs,
        `${node.name} channel ${o} scale`,
      );
    }
    if (node.opType === 'Conv') {
      const biasDq = producers.get(node.inputs[2] as string);
      assert.ok(int8Init.get(biasDq?.inputs[0] as string)?.data instanceof Int32Array, `${node.name} bias is int32`);
    } else {
      // The head reads the float features (see qdq-graph.ts), so its bias stays float.
      assert.ok(int8Init.get(node.inputs[2] as string)?.data instanceof Float32Array, 'Gemm bias is float');
      assert.equal(producers.get(node.inputs[0] as string)?.opType, 'Flatten');
    }
  }
});

test('reading pixels instead of normalised values changes nothing in float (normalisation folded into the first conv)', async () => {
  const float = await floatModel();
  const { preprocess } = await readModelMetadata(floatPath);
  const folded = foldNormalisationIntoFirstConv(float, preprocess.mean, preprocess.std);
  assert.ok(folded.nodes.some((n) => n.outputs.includes(PIXEL_TENSOR)));
  const images = (await prepareImages(minmax.checkedFiles.slice(0, 16), preprocess)).tensors;
  const sessions = [await createCpuSession(floatPath), await createCpuSession(encodeModel(folded).toBytes())] as const;
  const a = await runOutputs(sessions[0], images, preprocess.input);
  const b = await runOutputs(sessions[1], images, preprocess.input);
  await Promise.all(sessions.map((session) => session.release()));
  for (let i = 0; i < images.length; i += 1) {
    const pa = a.probabilities[i] as Float32Array;
    const pb = b.probabilities[i] as Float32Array;
    for (let k = 0; k < pa.length; k += 1)
      assert.ok(Math.abs((pa[k] as number) - (pb[k] as number)) < 1e-4, `image ${i} class ${k}: ${pa[k]} vs ${pb[k]}`);
  }
});

/** Nodes in topological order, every input defined before it is read, the two outputs float. */
function assertValidGraph(int8: OnnxModel): void {
  const defined = new Set([...int8.initializers.map((t) => t.name), ...int8.inputs.map((i) => i.name)]);
  for (const node of int8.nodes) {
    for (const input of node.inputs)
      assert.ok(input === '' || defined.has(input), `${node.name} reads ${input} before it is defined`);
    for (const output of node.outputs) defined.add(output);
  }
  assert.deepEqual(
    int8.outputs.map((o) => [o.name, o.elemType]),
    [
      ['probabilities', 'float32'],
      ['features', 'float32'],
    ],
  );
}

test('the graph is valid: nodes in topological order, every input defined, outputs float', async () => {
  const int8 = await int8Model();
  assertValidGraph(int8);
  assert.equal(int8.nodes.filter((n) => n.opType === 'Relu').length, 0, 'ReLUs are folded into the quantizers');
  assert.equal(minmax.quantization.precision, 'int8');
});

test('onnxruntime runs every convolution as an int8 kernel (profiling)', () => {
  assert.equal(minmax.floatConvs, 0);
  assert.equal(minmax.kernels['QLinearConv'], 19);
  assert.equal(minmax.kernels['QLinearAdd'], 9);
});

test("mixed precision, this 32 px model's default: first conv and residual Adds float, the rest int8, recorded in the metadata", async () => {
  const mixed = await quantizeModel({
    model: floatPath,
    calibrationFolder: calibration,
    images: 100,
    checkImages: 200,
    measureSpeed: false,
    outPath: join(work.path, 'r20-mixed.onnx'),
    env,
  });
  assert.equal(mixed.quantization.precision, 'mixed');
  assert.equal((await readModelMetadata(mixed.path)).quantization?.precision, 'mixed');
  const graph = await int8Model(mixed.path);
  assertValidGraph(graph);
  const initializers = new Map(graph.initializers.map((t) => [t.name, t]));
  const stem = graph.nodes.find((n) => n.name === 'stem.0');
  assert.equal(stem?.inputs[0], 'input', 'the first conv reads the normalised input, not a quantized one');
  assert.ok(initializers.get(stem?.inputs[1] as string)?.data instanceof Float32Array, 'first conv weights stay float');
  // The Relus of the first conv and of the 9 residual Adds run in float; the 18 other convolutions as int8 kernels.
  assert.equal(graph.nodes.filter((n) => n.opType === 'Relu').length, 10);
  assert.equal(mixed.kernels['QLinearConv'], 18);
  assert.equal(mixed.kernels['QLinearAdd'] ?? 0, 0);
  assert.equal(mixed.floatConvs, 0, 'no float Conv beyond the first');
  assert.ok(mixed.quantization.top1Agreement >= 0.97, `agreement ${mixed.quantization.top1Agreement}`);
  assert.ok(mixed.quantization.meanAbsDeltaTop1 < 0.03, `mean |dp| ${mixed.quantization.meanAbsDeltaTop1}`);
});

test('the int8 model agrees with the float model on held-out real images; figures land in the metadata', async () => {
  const q = minmax.quantization;
  assert.equal(q.checkImages, 200);
  assert.equal(q.calibrationImages, 100);
  assert.ok(q.top1Agreement >= 0.97, `agreement ${q.top1Agreement}`);
  assert.ok(q.meanAbsDeltaTop1 < 0.03, `mean |dp| ${q.meanAbsDeltaTop1}`);
  assert.ok((q.featureRecallAt10 ?? 0) >= 0.8, `recall@10 ${q.featureRecallAt10}`);
  assert.ok(q.speedup !== null && q.speedup > 0);
  const metadata = await readModelMetadata(minmax.path);
  assert.equal(metadata.id, 'akamaster-resnet20_cifar10-int8');
  assert.deepEqual(metadata.quantization, q);
  assert.equal(metadata.classNames.length, 10);
  assert.deepEqual([...phases].sort(), ['calibrate', 'check', 'measure', 'prepare', 'write']);
  assert.equal(minmax.checkedFiles.length, 200);
});

test('percentile and entropy calibration clip what minmax keeps', async () => {
  const scalesOf = async (model: OnnxModel) =>
    new Map(model.initializers.filter((t) => t.name.endsWith('.relu.scale')).map((t) => [t.name, t.data[0] as number]));
  const base = await scalesOf(await int8Model());
  for (const method of ['percentile', 'entropy'] as const) {
    const result = await quantizeModel({
      model: floatPath,
      calibrationFolder: calibration,
      images: 100,
      checkImages: 50,
      method,
      precision: 'int8',
      measureSpeed: false,
      outPath: join(work.path, `r20-${method}.onnx`),
      env,
    });
    assert.equal(result.quantization.method, method);
    assert.equal(result.quantization.speedup, null);
    assert.ok(result.quantization.top1Agreement >= 0.9, `${method} agreement ${result.quantization.top1Agreement}`);
    const scales = await scalesOf(await int8Model(result.path));
    assert.equal(scales.size, base.size);
    let smaller = 0;
    for (const [name, scale] of scales) if (scale < (base.get(name) as number)) smaller += 1;
    assert.ok(smaller >= scales.size * 0.8, `${method}: ${smaller} of ${scales.size} ReLU ranges narrower than minmax`);
  }
});

test('it refuses models it cannot quantize, and bad calibration folders, with a clear error', async () => {
  const expectError = (promise: Promise<unknown>, kind: string, pattern: RegExp) =>
    assert.rejects(
      promise,
      (error: unknown) => error instanceof FieldmarkError && error.kind === kind && pattern.test(error.message),
    );
  await expectError(
    quantizeModel({ model: minmax.path, calibrationFolder: calibration, env }),
    'ModelInvalid',
    /already int8.*quantize the float model/,
  );
  // A graph with an operator the quantizer does not know (Sigmoid).
  const float = await floatModel();
  const first = float.nodes.findIndex((n) => n.opType === 'Relu');
  const odd: OnnxModel = {
    ...float,
    nodes: float.nodes.map((n, i) => (i === first ? { ...n, opType: 'Sigmoid' } : n)),
  };
  const oddPath = join(work.path, 'sigmoid.onnx');
  await writeOnnxModel({ ...odd, metadata: { [METADATA_KEY]: float.metadata[METADATA_KEY] as string } }, oddPath);
  await expectError(
    quantizeModel({ model: oddPath, calibrationFolder: calibration, env }),
    'ModelInvalid',
    /cannot quantize this model: .*received Sigmoid/,
  );
  await expectError(
    quantizeModel({ model: floatPath, calibrationFolder: calibration, precision: 'fp16' as 'int8', env }),
    'InvalidArgument',
    /precision: expected one of int8, mixed, received "fp16"/,
  );
  await expectError(
    quantizeModel({ model: floatPath, calibrationFolder: join(work.path, 'missing'), env }),
    'NotFound',
    /does not exist/,
  );
  await expectError(
    quantizeModel({ model: floatPath, calibrationFolder: calibration, outPath: floatPath, env }),
    'InvalidArgument',
    /the input model itself/,
  );
  const single = join(work.path, 'single');
  await mkdir(single);
  await copyFile(join(calibration, (await readdir(calibration))[0] as string), join(single, 'one.jpg'));
  await expectError(
    quantizeModel({ model: floatPath, calibrationFolder: single, env }),
    'InvalidArgument',
    /at least 2 images/,
  );
});

test('CLI: models quantize into the cache, models list marks it int8, classify uses it by id', async () => {
  const cliEnv = { FIELDMARK_CACHE_DIR: env.FIELDMARK_CACHE_DIR };
  const quantized = await runFieldmark(
    [
      'models',
      'quantize',
      floatPath,
      '--calibrate',
      calibration,
      '--images',
      '60',
      '--check',
      '40',
      '--method',
      'percentile',
      '--json',
    ],
    cliEnv,
  );
  assert.equal(quantized.code, 0, quantized.stderr);
  const [report] = jsonLines(quantized.stdout);
  assert.equal(report?.id, 'akamaster-resnet20_cifar10-int8');
  assert.equal(report?.floatConvs, 0);
  const listed = await runFieldmark(['models', 'list'], cliEnv);
  assert.match(
    listed.stdout,
    /akamaster-resnet20_cifar10-int8 {2}\[int8\] {2}int8 \(percentile\), [\d.]+% top-1 agreement, mean \|dp\| [\d.]+, [\d.]+x faster here/,
  );
  const library = join(work.path, 'library');
  await mkdir(library);
  for (const name of (await readdir(calibration)).slice(0, 6))
    await copyFile(join(calibration, name), join(library, name));
  const classified = await runFieldmark(
    [
      'classify',
      library,
      '--model',
      'akamaster-resnet20_cifar10-int8',
      '--db',
      join(work.path, 'lib.sqlite'),
      '--json',
    ],
    cliEnv,
  );
  assert.equal(classified.code, 0, classified.stderr);
  const summary = jsonLines(classified.stdout).find((line) => line.type === 'summary' || 'processed' in line);
  assert.equal(summary?.processed, 6);
  const usage = await runFieldmark(
    ['models', 'quantize', floatPath, '--calibrate', calibration, '--method', 'kmeans'],
    cliEnv,
  );
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--method: expected one of minmax\|percentile\|entropy, received "kmeans"/);
  const badPrecision = await runFieldmark(
    ['models', 'quantize', floatPath, '--calibrate', calibration, '--precision', 'fp16'],
    cliEnv,
  );
  assert.equal(badPrecision.code, 2);
  assert.match(badPrecision.stderr, /--precision: expected one of int8\|mixed, received "fp16"/);
});

test('app: models.quantize runs in a worker, streams progress events, and the model list marks the int8 model', async () => {
  const events: AppEvent[] = [];
  const service = new AppService({
    paths: { userDataDir: join(work.path, 'user-data'), cacheDir: join(work.path, 'app-cache') },
    env,
    version: '0.0.0-test',
    transport: 'web',
    models: defaultModelProvider({ cwd: work.path, env }),
    log: () => undefined,
  });
  service.onEvent((event) => events.push(event));
  const started = await service.handlers['models.quantize']({
    modelId: floatPath,
    calibrationFolder: calibration,
    images: 40,
    method: 'percentile',
  });
  assert.equal(started.state, 'running');
  await assert.rejects(
    Promise.resolve().then(() =>
      service.handlers['models.quantize']({ modelId: floatPath, calibrationFolder: calibration }),
    ),
    /no quantization running/,
  );
  const statuses = (): QuantizeStatus[] => events.flatMap((e) => (e.type === 'quantize' ? [e.status] : []));
  const deadline = Date.now() + 60_000;
  // The main thread stays free while the worker quantizes: this loop keeps turning.
  while (!statuses().some((s) => s.state !== 'running') && Date.now() < deadline)
    await new Promise((resolve) => setImmediate(resolve));
  const final = statuses().at(-1);
  assert.equal(final?.state, 'done', JSON.stringify(final?.error));
  assert.equal(final?.outcome?.id, 'akamaster-resnet20_cifar10-int8');
  assert.ok(
    statuses().some((s) => s.phase === 'calibrate'),
    'progress events name the phase',
  );
  const listed = (await service.handlers['models.list']({})).find((m) => m.id === 'akamaster-resnet20_cifar10-int8');
  assert.equal(listed?.int8?.method, 'percentile');
  assert.ok((listed?.int8?.top1Agreement ?? 0) > 0.9);
  assert.deepEqual(await service.handlers['models.quantizeStatus']({}), final);
});
