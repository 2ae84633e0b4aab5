/** The open library, its counts, the model's classes and the recent list. */
import type { AppInfo, ClassInfo, LibraryInfo, LibraryStats, RecentLibrary } from '../../main/contract/types.js';
import type { SliceCreator } from './types.js';

export interface LibrarySlice {
  appInfo: AppInfo | null;
  connected: boolean;
  library: LibraryInfo | null;
  stats: LibraryStats;
  classes: ClassInfo[];
  recent: RecentLibrary[];
  opening: boolean;
  initLibrary(): Promise<void>;
  openLibrary(root: string): Promise<void>;
  openLibraryDialog(): Promise<void>;
  setLibrary(library: LibraryInfo): void;
  setStats(stats: LibraryStats): void;
  setConnected(connected: boolean): void;
}

const EMPTY_STATS: LibraryStats = { total: 0, indexed: 0, failed: 0, pending: 0, labelled: 0 };

export const createLibrarySlice: SliceCreator<LibrarySlice> = (transport) => (set, get) => ({
  appInfo: null,
  connected: false,
  library: null,
  stats: EMPTY_STATS,
  classes: [],
  recent: [],
  opening: false,

  async initLibrary() {
    try {
      const [appInfo, library, recent] = await Promise.all([
        transport.call('app.info', {}),
        transport.call('library.current', {}),
        transport.call('library.recent', {}),
      ]);
      set({ appInfo, recent });
      if (library) get().setLibrary(library);
    } catch (error) {
      get().notifyError(error);
    }
  },

  async openLibrary(root) {
    set({ opening: true });
    try {
      get().setLibrary(await transport.call('library.open', { root }));
      set({ recent: await transport.call('library.recent', {}) });
    } catch (error) {
      get().notifyError(error);
    } finally {
      set({ opening: false });
    }
  },

  async openLibraryDialog() {
    set({ opening: true });
    try {
      const library = await transport.call('library.openDialog', {});
      if (library) get().setLibrary(library);
    } catch (error) {
      get().notifyError(error);
    } finally {
      set({ opening: false });
    }
  },

  setLibrary(library) {
    const previous = get().library;
    const sameModel = previous?.model?.id === library.model?.id;
    set({ library });
    if (previous?.root !== library.root) get().clearSelection();
    if (previous?.root !== library.root || !sameModel) {
      get().resetDetail();
      void get().loadVocabulary();
      void get().refreshGrid(false);
      void get().loadIndexing();
      void get().loadPlots();
      void transport.call('library.classes', {}).then(
        (classes) => set({ classes }),
        (error: unknown) => get().notifyError(error),
      );
      void transport.call('library.stats', {}).then(
        (stats) => get().setStats(stats),
        (error: unknown) => get().notifyError(error),
      );
    }
  },

  setStats(stats) {
    const before = get().stats;
    set({ stats });
    // New files found by the scan: the grid's own count is out of date.
    if (stats.total !== before.total) get().scheduleGridRefresh();
    if (stats.failed !== before.failed) get().scheduleFailedRefresh();
    get().schedulePlotsRefresh();
  },

  setConnected(connected) {
    const wasConnected = get().connected;
    set({ connected });
    if (connected && !wasConnected) void get().initLibrary();
  },
});
