/** Which side panel and overlays are showing, and the error toasts. */
import { RequestError } from '../transport/transport.js';
import type { SliceCreator } from './types.js';

export type SidePanel = 'detail' | 'indexing' | 'plots' | 'settings' | 'labels';

export interface Toast {
  id: number;
  title: string;
  message: string;
}

export interface UiSlice {
  sidePanel: SidePanel | null;
  helpOpen: boolean;
  toasts: Toast[];
  /** The smallest tile width of the grid, in CSS pixels (the thumbnail-size slider). */
  tileSize: number;
  setTileSize(size: number): void;
  showPanel(panel: SidePanel | null): void;
  togglePanel(panel: SidePanel): void;
  setHelpOpen(open: boolean): void;
  /** Shows a failure to the user (and the console, for the e2e logs). */
  notifyError(error: unknown): void;
  dismissToast(id: number): void;
  /** Filters the grid to failed files and shows their reasons. */
  showFailedFiles(): void;
}

export const MIN_TILE_SIZE = 96;
export const MAX_TILE_SIZE = 400;
export const DEFAULT_TILE_SIZE = 150;

let nextToastId = 1;
const MAX_TOASTS = 4;

export const createUiSlice: SliceCreator<UiSlice> = () => (set, get) => ({
  sidePanel: null,
  helpOpen: false,
  toasts: [],
  tileSize: DEFAULT_TILE_SIZE,
  setTileSize: (size) => set({ tileSize: Math.max(MIN_TILE_SIZE, Math.min(MAX_TILE_SIZE, Math.round(size))) }),
  showPanel: (panel) => set({ sidePanel: panel }),
  togglePanel: (panel) => set({ sidePanel: get().sidePanel === panel ? null : panel }),
  setHelpOpen: (open) => set({ helpOpen: open }),
  notifyError(error) {
    const title = error instanceof RequestError ? error.kind : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[fieldmark] ${title}: ${message}`);
    const toast = { id: nextToastId++, title, message };
    set({ toasts: [...get().toasts, toast].slice(-MAX_TOASTS) });
    setTimeout(() => get().dismissToast(toast.id), 8000);
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((toast) => toast.id !== id) }),
  showFailedFiles() {
    get().setFilter({ status: 'failed', classIndex: null, minConfidence: 0, maxConfidence: 100 });
    set({ sidePanel: 'indexing' });
  },
});
