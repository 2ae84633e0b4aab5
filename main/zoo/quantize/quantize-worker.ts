/**
 * Worker thread that runs one quantization: onnxruntime's run() and the calibration loops block
 * their thread for seconds, and the app's main thread routes UI messages (Electron IPC, serve's
 * WebSocket). Protocol: the options arrive as workerData; replies are `progress` messages, then
 * one `done` or `failed`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorData } from '../../util/errors.js';
import type { QuantizeWorkerReply, QuantizeWorkerRequest } from './quantize-protocol.js';
import { quantizeModel } from './quantize-model.js';

if (!parentPort) throw new Error('quantize-worker must run as a worker thread');
const port = parentPort;
const request = workerData as QuantizeWorkerRequest;
const reply = (message: QuantizeWorkerReply): void => port.postMessage(message);

try {
  const result = await quantizeModel({ ...request, onProgress: (progress) => reply({ type: 'progress', progress }) });
  reply({
    type: 'done',
    outcome: {
      id: result.metadata.id,
      path: result.path,
      top1Agreement: result.quantization.top1Agreement,
      meanAbsDeltaTop1: result.quantization.meanAbsDeltaTop1,
      featureRecallAt10: result.quantization.featureRecallAt10,
      speedup: result.quantization.speedup,
      warning: result.warning,
    },
  });
} catch (error) {
  reply({ type: 'failed', error: toErrorData(error) });
}
