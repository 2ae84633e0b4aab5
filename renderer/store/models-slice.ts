/**
 * The models page (every model, its state, download/import/use/remove), the model banner over the
 * grid, the folder tree's counts and the folder browser of the "open folder" field (issue 13).
 */
import type {
  FolderCount,
  FolderListing,
  ModelImportReport,
  ModelProblem,
  ModelRow,
} from '../../main/contract/model-types.js';
import type { SliceCreator } from './types.js';

export interface ModelsSlice {
  modelsOpen: boolean;
  modelRows: ModelRow[];
  modelProblem: ModelProblem | null;
  modelImportReport: ModelImportReport | null;
  modelImporting: boolean;
  folders: FolderCount[];
  openFolderOpen: boolean;
  setModelsOpen(open: boolean): void;
  setOpenFolderOpen(open: boolean): void;
  loadModels(): Promise<void>;
  setModelRows(rows: ModelRow[]): void;
  setModelProblem(problem: ModelProblem | null): void;
  downloadModel(id: string): Promise<void>;
  cancelDownload(id: string): Promise<void>;
  importCheckpoint(path: string, like?: string): Promise<void>;
  useModel(id: string): Promise<void>;
  removeModel(id: string): Promise<void>;
  loadFolders(): Promise<void>;
  scheduleFoldersRefresh(): void;
  /** Sub-folders on the engine's machine; null when the folder cannot be listed. */
  browseFolders(path: string | undefined): Promise<FolderListing | null>;
}

const FOLDERS_REFRESH_MS = 1000;

export const createModelsSlice: SliceCreator<ModelsSlice> = (transport) => (set, get) => {
  let foldersTimer: ReturnType<typeof setTimeout> | null = null;
  const call = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      get().notifyError(error);
    }
  };
  return {
    modelsOpen: false,
    modelRows: [],
    modelProblem: null,
    modelImportReport: null,
    modelImporting: false,
    folders: [],
    openFolderOpen: false,
    setModelsOpen(open) {
      set({ modelsOpen: open });
      if (open) void get().loadModels();
    },
    setOpenFolderOpen: (open) => set({ openFolderOpen: open }),
    loadModels: () =>
      call(async () => {
        const [rows, problem] = await Promise.all([
          transport.call('models.rows', {}),
          transport.call('models.problem', {}),
        ]);
        set({ modelRows: rows, modelProblem: problem });
      }),
    setModelRows: (rows) => set({ modelRows: rows }),
    setModelProblem: (problem) => set({ modelProblem: problem }),
    downloadModel: (id) => call(async () => set({ modelRows: await transport.call('models.download', { id }) })),
    cancelDownload: (id) => call(async () => set({ modelRows: await transport.call('models.cancelDownload', { id }) })),
    async importCheckpoint(path, like) {
      set({ modelImporting: true, modelImportReport: null });
      await call(async () => {
        const report = await transport.call('models.import', like ? { path, like } : { path });
        set({ modelImportReport: report });
        await get().loadModels();
      });
      set({ modelImporting: false });
    },
    useModel: (id) => call(async () => void (await transport.call('models.use', { id }))),
    removeModel: (id) => call(async () => set({ modelRows: await transport.call('models.remove', { id }) })),
    loadFolders: () => call(async () => set({ folders: await transport.call('library.folders', {}) })),
    scheduleFoldersRefresh() {
      if (foldersTimer !== null) return;
      foldersTimer = setTimeout(() => {
        foldersTimer = null;
        void get().loadFolders();
      }, FOLDERS_REFRESH_MS);
    },
    async browseFolders(path) {
      try {
        return await transport.call('library.browse', path ? { path } : {});
      } catch (error) {
        // A path being typed is often not a folder yet: no toast, the list just stays empty.
        console.warn(`[fieldmark] browse ${path ?? '~'}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    },
  };
};
