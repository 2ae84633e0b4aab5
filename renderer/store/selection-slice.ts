/**
 * The selection: the images a labelling action applies to. Click selects one, Shift+click a
 * range (in the grid's current order, fetched from the engine when the range runs past the
 * loaded pages), Ctrl/Cmd+click toggles, Ctrl/Cmd+A selects everything the filter shows (also
 * 100,000 images: ids only), Escape clears. Kept as an ordered id list plus a Set, so a tile asks
 * "am I selected?" in O(1) and re-renders only when its answer changes.
 */
import { imageIdAt, toFilterQuery } from './grid-slice.js';
import type { SliceCreator, Store } from './types.js';

export interface Selection {
  ids: number[];
  set: ReadonlySet<number>;
  /** Where the last plain or toggle click was, for Shift+click ranges. */
  anchorId: number | null;
  anchorIndex: number | null;
}

export interface SelectionSlice {
  selection: Selection;
  selectOnly(id: number, index?: number): void;
  toggleSelected(id: number, index?: number): void;
  /** Selects from the anchor to `toId` (grid positions when `toIndex` is given). */
  selectRange(toId: number, toIndex?: number): Promise<void>;
  setSelection(ids: number[]): void;
  /** Everything the current filter shows. */
  selectAll(): Promise<void>;
  clearSelection(): void;
}

const EMPTY: Selection = { ids: [], set: new Set(), anchorId: null, anchorIndex: null };

function make(ids: number[], anchorId: number | null, anchorIndex: number | null): Selection {
  const unique = [...new Set(ids)];
  return { ids: unique, set: new Set(unique), anchorId, anchorIndex };
}

/** The images an action applies to: the selection, or the focused image when nothing is selected. */
export function targetImageIds(state: Store): number[] {
  if (state.selection.ids.length > 0) return state.selection.ids;
  const focused = imageIdAt(state, state.selectedIndex);
  return focused === null ? [] : [focused];
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = (transport) => (set, get) => {
  /** Ids of grid positions first..last, from loaded pages when they cover the range. */
  async function idsBetween(first: number, last: number): Promise<number[]> {
    const state = get();
    const local: number[] = [];
    for (let index = first; index <= last; index++) {
      const id = imageIdAt(state, index);
      if (id === null) break;
      local.push(id);
    }
    if (local.length === last - first + 1) return local;
    const { ids } = await transport.call('images.ids', toFilterQuery(get().filter));
    return ids.slice(first, last + 1);
  }

  return {
    selection: EMPTY,
    selectOnly: (id, index) => set({ selection: make([id], id, index ?? null) }),
    toggleSelected(id, index) {
      const { ids } = get().selection;
      const next = get().selection.set.has(id) ? ids.filter((other) => other !== id) : [...ids, id];
      set({ selection: make(next, id, index ?? null) });
    },
    async selectRange(toId, toIndex) {
      const { anchorIndex, anchorId, ids } = get().selection;
      if (anchorIndex === null || toIndex === undefined) {
        set({ selection: make([...ids, toId], anchorId ?? toId, anchorIndex ?? toIndex ?? null) });
        return;
      }
      try {
        const range = await idsBetween(Math.min(anchorIndex, toIndex), Math.max(anchorIndex, toIndex));
        set({ selection: make(range, anchorId, anchorIndex) });
      } catch (error) {
        get().notifyError(error);
      }
    },
    setSelection: (ids) => set({ selection: make(ids, null, null) }),
    async selectAll() {
      try {
        const { ids } = await transport.call('images.ids', toFilterQuery(get().filter));
        set({ selection: make(ids, null, null) });
      } catch (error) {
        get().notifyError(error);
      }
    },
    clearSelection: () => {
      if (get().selection.ids.length > 0 || get().selection.anchorId !== null) set({ selection: EMPTY });
    },
  };
};
