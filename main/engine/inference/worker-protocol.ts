/**
 * Messages between the indexing pipeline and its inference worker thread. onnxruntime-node's
 * `run()` blocks its calling thread for a whole batch (~350 ms for ResNet-50 at batch 8 on two
 * cores), so the session lives in a worker and the event loop that serves the UI stays free.
 */
import type { ErrorData } from '../../util/errors.js';
import type { ProviderName } from './execution-providers.js';

export type WorkerRequest =
  | {
      type: 'init';
      modelPath: string;
      candidates: ProviderName[];
      threads: number;
      inputHeight: number;
      inputWidth: number;
    }
  | { type: 'run'; seq: number; count: number; height: number; width: number; input: Float32Array }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; provider: ProviderName; failures: string[]; classCount: number; featureDim: number }
  | { type: 'init-failed'; error: ErrorData; failures: string[] }
  | { type: 'result'; seq: number; probabilities: Float32Array; features: Float32Array; runMs: number }
  | { type: 'run-failed'; seq: number; error: ErrorData };
