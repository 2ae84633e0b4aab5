/** Settings (model, device, batch size, threads) and the models to choose from. */
import type { ModelSummary, Settings } from '../../main/contract/types.js';
import type { SliceCreator } from './types.js';

export interface SettingsSlice {
  settings: Settings | null;
  models: ModelSummary[];
  loadSettings(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  setSettings(settings: Settings): void;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (transport) => (set, get) => ({
  settings: null,
  models: [],
  async loadSettings() {
    try {
      const [settings, models] = await Promise.all([
        transport.call('settings.get', {}),
        transport.call('models.list', {}),
      ]);
      set({ settings, models });
    } catch (error) {
      get().notifyError(error);
    }
  },
  async updateSettings(patch) {
    try {
      set({ settings: await transport.call('settings.update', patch) });
    } catch (error) {
      get().notifyError(error);
    }
  },
  setSettings: (settings) => set({ settings }),
});
