/**
 * The inference worker thread: owns one onnxruntime session and runs batches sent by
 * InferenceClient. Provider selection happens here because a failed provider only shows when its
 * session is created.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { FieldmarkError, toErrorData } from '../../util/errors.js';
import { MODEL_INPUT_NAME, MODEL_PROBABILITIES_OUTPUT, MODEL_FEATURES_OUTPUT } from '../../zoo/onnx/model-metadata.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

if (!parentPort) throw new Error('inference-worker must run as a worker thread');
const port = parentPort;
let session: ort.InferenceSession | null = null;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function createSession(request: Extract<WorkerRequest, { type: 'init' }>): Promise<void> {
  const { modelPath, candidates, threads } = request;
  const failures: string[] = [];
  for (const provider of candidates) {
    try {
      session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
      const dims = await probeOutputDims(session);
      await warmUp(session, request.inputHeight, request.inputWidth);
      reply({ type: 'ready', provider, failures, ...dims });
      return;
    } catch (error) {
      failures.push(`${provider}: ${firstLine(error)}`);
    }
  }
  const tried = candidates.join(', ') || 'none';
  reply({
    type: 'init-failed',
    error: {
      kind: 'ModelInvalid',
      message: `could not create an inference session for ${modelPath} with providers [${tried}]: ${failures.join('; ')}`,
    },
    failures,
  });
}

/** Output sizes from the graph's declared shapes (the builder always declares them). */
async function probeOutputDims(created: ort.InferenceSession): Promise<{ classCount: number; featureDim: number }> {
  if (!created.inputNames.includes(MODEL_INPUT_NAME)) {
    throw new FieldmarkError(
      'ModelInvalid',
      `model has no input named "${MODEL_INPUT_NAME}" (inputs: ${created.inputNames.join(', ')})`,
    );
  }
  for (const name of [MODEL_PROBABILITIES_OUTPUT, MODEL_FEATURES_OUTPUT]) {
    if (!created.outputNames.includes(name)) {
      throw new FieldmarkError(
        'ModelInvalid',
        `model has no output named "${name}" (outputs: ${created.outputNames.join(', ')})`,
      );
    }
  }
  const lastDim = (name: string): number => {
    const meta = created.outputMetadata.find((m) => m.name === name);
    const shape = meta && 'shape' in meta ? meta.shape : [];
    const dim = shape[shape.length - 1];
    return typeof dim === 'number' ? dim : 0;
  };
  return { classCount: lastDim(MODEL_PROBABILITIES_OUTPUT), featureDim: lastDim(MODEL_FEATURES_OUTPUT) };
}

/**
 * One small run right after loading: the first run of a session allocates its memory arena and
 * picks kernels, which would otherwise stall the first real batch. A provider that loads but
 * cannot run the graph fails here, so the next provider is tried.
 */
async function warmUp(created: ort.InferenceSession, height: number, width: number): Promise<void> {
  const input = new ort.Tensor('float32', new Float32Array(3 * height * width), [1, 3, height, width]);
  await created.run({ [MODEL_INPUT_NAME]: input });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 300) ?? text;
}

/** A Float32Array that owns its whole buffer, so transferring it moves exactly these bytes. */
function ownedCopy(data: Float32Array): Float32Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}

async function runBatch(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  if (!session) {
    reply({ type: 'run-failed', seq: request.seq, error: { kind: 'Internal', message: 'run before init' } });
    return;
  }
  try {
    const started = performance.now();
    const input = new ort.Tensor('float32', request.input, [request.count, 3, request.height, request.width]);
    const outputs = await session.run({ [MODEL_INPUT_NAME]: input }, [
      MODEL_PROBABILITIES_OUTPUT,
      MODEL_FEATURES_OUTPUT,
    ]);
    const probabilities = ownedCopy(outputs[MODEL_PROBABILITIES_OUTPUT]!.data as Float32Array);
    const features = ownedCopy(outputs[MODEL_FEATURES_OUTPUT]!.data as Float32Array);
    const runMs = performance.now() - started;
    reply({ type: 'result', seq: request.seq, probabilities, features, runMs }, [
      probabilities.buffer as ArrayBuffer,
      features.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const data = toErrorData(error);
    reply({ type: 'run-failed', seq: request.seq, error: { kind: 'InferenceFailed', message: data.message } });
  }
}

// Requests are handled strictly in order: a batch never overlaps the next one's run.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    switch (request.type) {
      case 'init':
        await createSession(request);
        return;
      case 'run':
        await runBatch(request);
        return;
      case 'close':
        await session?.release();
        session = null;
        port.close();
        return;
      default:
        request satisfies never;
    }
  });
});
