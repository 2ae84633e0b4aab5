import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { writeOnnxModel } from '../../main/zoo/onnx/onnx-writer.js';
import { buildResNetGraph } from '../../main/zoo/resnet/resnet-onnx.js';
import type { ResNetSpec } from '../../main/zoo/resnet/resnet-spec.js';
import { seededWeights } from '../../main/zoo/resnet/seeded-weights.js';
import { runInTorch } from '../fixtures/torch-export.js';
import { makeTempDir, pseudoRandomInput, torchUnavailableReason } from '../fixtures/zoo-helpers.js';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
before(async () => ({ dir, cleanup } = await makeTempDir('zoo-parity')));
after(() => cleanup());

/** Tiny networks covering every block, stem and shortcut kind; odd input sizes exercise padding and ceil_mode. */
const NETWORKS: Array<{ name: string; size: number; spec: ResNetSpec }> = [
  {
    name: 'bottleneck, 7x7 stem, conv shortcut',
    size: 45,
    spec: {
      block: 'bottleneck',
      stem: { kind: 'plain7x7', channels: 8 },
      shortcut: 'conv',
      bnEps: 1e-5,
      stages: [
        { blocks: 2, midChannels: 4, outChannels: 16, stride: 1 },
        { blocks: 2, midChannels: 8, outChannels: 32, stride: 2 },
      ],
    },
  },
  {
    name: 'bottleneck, deep stem, average-pool shortcut (V1d)',
    size: 53,
    spec: {
      block: 'bottleneck',
      stem: { kind: 'deep', channels: [4, 4, 8] },
      shortcut: 'avgpool-conv',
      bnEps: 1e-5,
      stages: [
        { blocks: 1, midChannels: 4, outChannels: 16, stride: 1 },
        { blocks: 2, midChannels: 8, outChannels: 32, stride: 2 },
        { blocks: 1, midChannels: 8, outChannels: 32, stride: 2 },
      ],
    },
  },
  {
    name: 'basic, deep stem, conv shortcut (V1c)',
    size: 37,
    spec: {
      block: 'basic',
      stem: { kind: 'deep', channels: [4, 4, 8] },
      shortcut: 'conv',
      bnEps: 1e-5,
      stages: [
        { blocks: 1, midChannels: 8, outChannels: 8, stride: 1 },
        { blocks: 1, midChannels: 16, outChannels: 16, stride: 2 },
      ],
    },
  },
  {
    name: 'basic, CIFAR stem, zero-pad shortcut (akamaster)',
    size: 15,
    spec: {
      block: 'basic',
      stem: { kind: 'cifar3x3', channels: 8 },
      shortcut: 'zero-pad',
      bnEps: 1e-5,
      stages: [
        { blocks: 2, midChannels: 8, outChannels: 8, stride: 1 },
        { blocks: 2, midChannels: 16, outChannels: 16, stride: 2 },
        { blocks: 1, midChannels: 32, outChannels: 32, stride: 2 },
      ],
    },
  },
];

const NUM_CLASSES = 7;
const BATCH = 3;

NETWORKS.forEach((network, index) => {
  test(`ONNX matches PyTorch: ${network.name}`, async (t) => {
    const reason = torchUnavailableReason();
    if (reason) return t.skip(reason);
    const weights = seededWeights(network.spec, NUM_CLASSES, 100 + index);
    const shape = [BATCH, 3, network.size, network.size];
    const input = pseudoRandomInput(BATCH * 3 * network.size * network.size, 7 + index);
    const caseDir = join(dir, `net${index}`);
    await mkdir(caseDir);
    const expected = await runInTorch(caseDir, network.spec, weights, NUM_CLASSES, input, shape);

    const modelPath = join(caseDir, 'model.onnx');
    await writeOnnxModel(
      buildResNetGraph(network.spec, weights, { inputHeight: network.size, inputWidth: network.size, metadata: {} }),
      modelPath,
    );
    const session = await ort.InferenceSession.create(modelPath);
    const out = await session.run({ input: new ort.Tensor('float32', input, shape) });
    await session.release();
    const probabilities = out.probabilities?.data as Float32Array;
    const features = out.features?.data as Float32Array;
    assert.equal(probabilities.length, expected.probabilities.length);
    assert.equal(features.length, expected.features.length);
    let worstP = 0;
    probabilities.forEach((p, i) => (worstP = Math.max(worstP, Math.abs(p - (expected.probabilities[i] as number)))));
    let worstF = 0;
    features.forEach(
      (f, i) =>
        (worstF = Math.max(
          worstF,
          Math.abs(f - (expected.features[i] as number)) / Math.max(1, Math.abs(expected.features[i] as number)),
        )),
    );
    assert.ok(worstP < 1e-4, `largest probability difference ${worstP}`);
    assert.ok(worstF < 1e-4, `largest relative feature difference ${worstF}`);
    // The network is not degenerate: the inputs get different predictions.
    assert.ok(Math.abs((probabilities[0] as number) - (probabilities[NUM_CLASSES] as number)) > 1e-4);
  });
});
