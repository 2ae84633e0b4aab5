/** What an indexing job reports while it runs: the CLI draws a progress bar from these, the app streams them to its UI. */
import type { ErrorKind } from '../../util/errors.js';
import type { ClassProbability } from '../inference/postprocess.js';
import type { DeviceRequest } from '../inference/execution-providers.js';

/** What the scan found; defined once, by the scanner. */
import type { ReconcileSummary } from '../scan/index.js';
export type ScanSummary = ReconcileSummary;

export interface IndexProgress {
  done: number;
  toProcess: number;
  failed: number;
  imagesPerSecond: number;
  etaSeconds: number | null;
  state: 'running' | 'paused';
}

export interface PredictionItem {
  imageId: number;
  relPath: string;
  topk: ClassProbability[];
}

export type IndexEvent =
  | { type: 'scan'; summary: ScanSummary; total: number }
  | { type: 'scan-problem'; path: string; kind: string; message: string }
  | {
      type: 'started';
      toProcess: number;
      total: number;
      device: { provider: string; requested: DeviceRequest; notes: string[] };
    }
  | { type: 'progress'; progress: IndexProgress }
  | { type: 'predictions'; items: PredictionItem[] }
  | { type: 'features'; imageIds: number[]; dim: number; vectors: Float32Array }
  | { type: 'image-error'; imageId: number; relPath: string; kind: ErrorKind; message: string }
  | { type: 'state'; state: 'running' | 'paused' | 'cancelled' | 'finished' | 'failed'; message?: string };

export interface IndexSummary {
  /** Images in the library after the scan (every candidate file, failed ones included). */
  total: number;
  /** Images run through the model (or failed while loading) in this job. */
  processed: number;
  /** Images left alone because their results were already saved. */
  skipped: number;
  failed: number;
  imagesPerSecond: number;
  device: string;
  cancelled: boolean;
}
