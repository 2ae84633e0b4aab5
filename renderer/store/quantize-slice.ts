/** Int8 quantization from the settings: start a job, follow its progress, refresh the model list when it is done. */
import type { QuantizeMethod, QuantizeStatus } from '../../main/contract/quantize-types.js';
import type { SliceCreator } from './types.js';

export interface QuantizeSlice {
  quantize: QuantizeStatus | null;
  startQuantize(input: {
    modelId: string;
    calibrationFolder: string;
    images?: number;
    method?: QuantizeMethod;
  }): Promise<void>;
  loadQuantize(): Promise<void>;
  setQuantize(status: QuantizeStatus): void;
}

export const createQuantizeSlice: SliceCreator<QuantizeSlice> = (transport) => (set, get) => ({
  quantize: null,
  async startQuantize(input) {
    try {
      set({ quantize: await transport.call('models.quantize', input) });
    } catch (error) {
      get().notifyError(error);
    }
  },
  async loadQuantize() {
    try {
      set({ quantize: await transport.call('models.quantizeStatus', {}) });
    } catch (error) {
      get().notifyError(error);
    }
  },
  setQuantize(status) {
    const finished = status.state === 'done' && get().quantize?.state !== 'done';
    set({ quantize: status });
    // The new int8 model shows in the model list once it is written.
    if (finished) void get().loadSettings();
  },
});
