/** The detail panel: the selected image's facts and top-5, loaded when the panel is open. */
import type { ImageDetails } from '../../main/contract/types.js';
import { selectedImageId } from './grid-slice.js';
import type { SliceCreator } from './types.js';

export interface DetailSlice {
  detail: ImageDetails | null;
  detailLoading: boolean;
  openDetail(): void;
  closeDetail(): void;
  /** Called by the grid when the selection moves: follows it while the panel is open. */
  onSelectionChanged(): void;
  reloadDetailIf(imageIds: number[]): void;
  resetDetail(): void;
}

export const createDetailSlice: SliceCreator<DetailSlice> = (transport) => (set, get) => {
  let request = 0;

  async function load(id: number): Promise<void> {
    const mine = ++request;
    set({ detailLoading: true });
    try {
      const detail = await transport.call('images.details', { id });
      if (mine === request) set({ detail });
    } catch (error) {
      if (mine === request) get().notifyError(error);
    } finally {
      if (mine === request) set({ detailLoading: false });
    }
  }

  return {
    detail: null,
    detailLoading: false,
    openDetail() {
      if (get().selectedIndex < 0) get().select(0);
      const id = selectedImageId(get());
      get().showPanel('detail');
      if (id !== null && get().detail?.id !== id) void load(id);
    },
    closeDetail() {
      if (get().sidePanel === 'detail') get().showPanel(null);
    },
    onSelectionChanged() {
      if (get().sidePanel !== 'detail') return;
      const id = selectedImageId(get());
      if (id !== null && get().detail?.id !== id) void load(id);
    },
    reloadDetailIf(imageIds) {
      const current = get().detail;
      if (current && get().sidePanel === 'detail' && imageIds.includes(current.id)) void load(current.id);
    },
    resetDetail() {
      request += 1;
      set({ detail: null, detailLoading: false, selectedIndex: -1 });
      if (get().sidePanel === 'detail') get().showPanel(null);
    },
  };
};
