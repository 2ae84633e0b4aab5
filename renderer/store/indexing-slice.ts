/** The indexing job as the UI sees it: status, controls, the failed files, feature batches seen. */
import type { FailedImage, IndexingStatus } from '../../main/contract/types.js';
import type { SliceCreator } from './types.js';

const FAILED_LIMIT = 500;

export interface IndexingSlice {
  indexing: IndexingStatus | null;
  failedImages: FailedImage[];
  /** Feature vectors received over the event stream (kept for the similarity features to come). */
  featureVectorsReceived: number;
  featureDim: number | null;
  setIndexing(status: IndexingStatus): void;
  loadIndexing(): Promise<void>;
  pauseIndexing(): Promise<void>;
  resumeIndexing(): Promise<void>;
  cancelIndexing(): Promise<void>;
  startIndexing(): Promise<void>;
  scheduleFailedRefresh(): void;
  countFeatures(count: number, dim: number): void;
}

export const createIndexingSlice: SliceCreator<IndexingSlice> = (transport) => (set, get) => {
  let failedTimer: ReturnType<typeof setTimeout> | null = null;

  async function control(
    method: 'indexing.pause' | 'indexing.resume' | 'indexing.cancel' | 'indexing.start',
  ): Promise<void> {
    try {
      get().setIndexing(await transport.call(method, {}));
    } catch (error) {
      get().notifyError(error);
    }
  }

  async function loadFailed(): Promise<void> {
    if (!get().library) return;
    try {
      set({ failedImages: await transport.call('images.failed', { limit: FAILED_LIMIT }) });
    } catch (error) {
      get().notifyError(error);
    }
  }

  return {
    indexing: null,
    failedImages: [],
    featureVectorsReceived: 0,
    featureDim: null,
    setIndexing: (status) => set({ indexing: status }),
    async loadIndexing() {
      try {
        set({ indexing: await transport.call('indexing.status', {}) });
      } catch (error) {
        get().notifyError(error);
      }
      await loadFailed();
    },
    pauseIndexing: () => control('indexing.pause'),
    resumeIndexing: () => control('indexing.resume'),
    cancelIndexing: () => control('indexing.cancel'),
    startIndexing: () => control('indexing.start'),
    scheduleFailedRefresh() {
      if (failedTimer) return;
      failedTimer = setTimeout(() => {
        failedTimer = null;
        void loadFailed();
      }, 500);
    },
    countFeatures: (count, dim) =>
      set({ featureVectorsReceived: get().featureVectorsReceived + count, featureDim: dim }),
  };
};
