/** The two plots: predicted-class distribution and the top-1 confidence histogram. */
import type { ClassCount } from '../../main/contract/types.js';
import type { SliceCreator } from './types.js';

export const HISTOGRAM_BINS = 20;
const REFRESH_INTERVAL_MS = 1500;

export interface PlotsSlice {
  classDistribution: ClassCount[];
  confidenceHistogram: number[];
  loadPlots(): Promise<void>;
  schedulePlotsRefresh(): void;
}

export const createPlotsSlice: SliceCreator<PlotsSlice> = (transport) => (set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    classDistribution: [],
    confidenceHistogram: new Array<number>(HISTOGRAM_BINS).fill(0),
    async loadPlots() {
      if (!get().library) return;
      try {
        const [classDistribution, confidenceHistogram] = await Promise.all([
          transport.call('plots.classDistribution', {}),
          transport.call('plots.confidenceHistogram', { bins: HISTOGRAM_BINS }),
        ]);
        set({ classDistribution, confidenceHistogram });
      } catch (error) {
        get().notifyError(error);
      }
    },
    schedulePlotsRefresh() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void get().loadPlots();
      }, REFRESH_INTERVAL_MS);
    },
  };
};
