/** The detail panel: the selected image's facts and top-5, loaded when the panel is open. */
import type { LabelHistoryItem } from '../../main/contract/label-types.js';
import type { ImageDetails, TopClass } from '../../main/contract/types.js';
import { selectedImageId } from './grid-slice.js';
import type { SliceCreator } from './types.js';

export interface DetailSlice {
  detail: ImageDetails | null;
  /** The detail image's label history, oldest first. */
  detailHistory: LabelHistoryItem[];
  detailLoading: boolean;
  openDetail(): void;
  closeDetail(): void;
  /** Called by the grid when the selection moves: follows it while the panel is open. */
  onSelectionChanged(): void;
  reloadDetailIf(imageIds: number[]): void;
  resetDetail(): void;
  /** The top-5 predictions of any image (the picker's first rows). */
  loadTopK(id: number): Promise<TopClass[]>;
}

export const createDetailSlice: SliceCreator<DetailSlice> = (transport) => (set, get) => {
  let request = 0;

  async function load(id: number): Promise<void> {
    const mine = ++request;
    set({ detailLoading: true });
    try {
      const [detail, detailHistory] = await Promise.all([
        transport.call('images.details', { id }),
        transport.call('labels.history', { imageId: id }),
      ]);
      if (mine === request) set({ detail, detailHistory });
    } catch (error) {
      if (mine === request) get().notifyError(error);
    } finally {
      if (mine === request) set({ detailLoading: false });
    }
  }

  return {
    detail: null,
    detailHistory: [],
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
    async loadTopK(id) {
      try {
        return (await transport.call('images.details', { id })).topk;
      } catch (error) {
        get().notifyError(error);
        return [];
      }
    },
    resetDetail() {
      request += 1;
      set({ detail: null, detailLoading: false, selectedIndex: -1 });
      if (get().sidePanel === 'detail') get().showPanel(null);
    },
  };
};
