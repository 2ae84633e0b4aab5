/**
 * The grid: the current filter and sort, the total, and the tiles loaded so far, in pages of
 * PAGE_SIZE. Only pages near what is on screen are kept, so 100,000 images cost a few hundred
 * tiles of memory. Streamed predictions patch tiles in place (one tile re-renders); when the
 * filter or sort depends on predictions, the loaded pages are re-fetched, at most once a second.
 */
import type { PredictionUpdate } from '../../main/contract/events.js';
import type { LabelFilter, LabelRank } from '../../main/contract/label-types.js';
import type {
  ErrorKind,
  ImageFilterQuery,
  ImageQuery,
  ImageStatus,
  ImageTile,
  SortKey,
  SortOrder,
} from '../../main/contract/types.js';
import type { SliceCreator, Store } from './types.js';

export const PAGE_SIZE = 200;
/** Pages further than this from the visible range are dropped. */
const KEEP_PAGES_AROUND = 6;
const REFRESH_INTERVAL_MS = 1000;

export interface GridFilter {
  status: ImageStatus | 'all';
  classIndex: number | null;
  /** Percent, 0-100. */
  minConfidence: number;
  maxConfidence: number;
  pathContains: string;
  /** Only images in this library folder or below ('' for all; the folder tree). */
  folder: string;
  label: LabelFilter | 'all';
  /** Only images with this label (or, above species rank, any label under this taxon). */
  labelIs: { label: string; rank: LabelRank } | null;
  /** The suspects review filter: only these images, most suspect first (the other filters are ignored). */
  suspectIds: number[] | null;
  sort: SortKey;
  order: SortOrder;
}

export const DEFAULT_FILTER: GridFilter = {
  status: 'all',
  classIndex: null,
  minConfidence: 0,
  maxConfidence: 100,
  pathContains: '',
  folder: '',
  label: 'all',
  labelIs: null,
  suspectIds: null,
  sort: 'name',
  order: 'asc',
};

export interface GridSlice {
  filter: GridFilter;
  /** Images matching the filter; null until the first page arrives. */
  gridTotal: number | null;
  pages: Record<number, number[]>;
  tiles: Record<number, ImageTile>;
  columns: number;
  /** Position in the filtered list, -1 for none. */
  selectedIndex: number;
  setFilter(patch: Partial<GridFilter>): void;
  /** Makes sure the tiles at positions first..last are loaded (or loading). */
  ensureRange(first: number, last: number): void;
  setColumns(columns: number): void;
  select(index: number): void;
  moveSelection(delta: number): void;
  refreshGrid(keepPages: boolean): Promise<void>;
  scheduleGridRefresh(): void;
  applyPredictions(items: PredictionUpdate[]): void;
  applyImageError(imageId: number, kind: ErrorKind): void;
}

export function selectedImageId(state: Store): number | null {
  return imageIdAt(state, state.selectedIndex);
}

export function imageIdAt(state: Pick<Store, 'pages'>, index: number): number | null {
  if (index < 0) return null;
  return state.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE] ?? null;
}

/** Whether streamed predictions can change which images match or their order. */
export function dependsOnPredictions(filter: GridFilter): boolean {
  return (
    filter.status !== 'all' ||
    filter.classIndex !== null ||
    filter.minConfidence > 0 ||
    filter.maxConfidence < 100 ||
    filter.label === 'disagree' ||
    filter.sort === 'confidence' ||
    filter.sort === 'uncertainty'
  );
}

export function toFilterQuery(filter: GridFilter): ImageFilterQuery {
  return {
    ...(filter.status === 'all' ? {} : { status: filter.status }),
    ...(filter.classIndex === null ? {} : { classIndex: filter.classIndex }),
    ...(filter.minConfidence > 0 ? { minConfidence: filter.minConfidence / 100 } : {}),
    ...(filter.maxConfidence < 100 ? { maxConfidence: filter.maxConfidence / 100 } : {}),
    ...(filter.pathContains.trim() ? { pathContains: filter.pathContains.trim() } : {}),
    ...(filter.folder ? { folder: filter.folder } : {}),
    ...(filter.label === 'all' ? {} : { label: filter.label }),
    ...(filter.labelIs === null ? {} : { labelIs: filter.labelIs }),
    ...(filter.suspectIds === null ? {} : { ids: filter.suspectIds }),
    sort: filter.sort,
    order: filter.order,
  };
}

export function toQuery(filter: GridFilter, page: number): ImageQuery {
  return { ...toFilterQuery(filter), offset: page * PAGE_SIZE, limit: PAGE_SIZE };
}

export const createGridSlice: SliceCreator<GridSlice> = (transport) => (set, get) => {
  /** Bumped on every filter change: replies for an older filter are dropped. */
  let generation = 0;
  const loading = new Set<string>();
  let visible = { first: 0, last: 0 };
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let lastRefresh = 0;

  async function loadPage(page: number, gen: number): Promise<void> {
    const key = `${gen}:${page}`;
    if (loading.has(key)) return;
    loading.add(key);
    try {
      const result = await transport.call('images.list', toQuery(get().filter, page));
      if (gen !== generation) return;
      const tiles = { ...get().tiles };
      for (const tile of result.items) tiles[tile.id] = tile;
      const pages = { ...get().pages, [page]: result.items.map((tile) => tile.id) };
      set({ pages, tiles, gridTotal: result.total });
      const selected = get().selectedIndex;
      if (selected >= result.total) set({ selectedIndex: result.total - 1 });
    } catch (error) {
      if (gen === generation) get().notifyError(error);
    } finally {
      loading.delete(key);
    }
  }

  function dropFarPages(): void {
    const { pages, tiles } = get();
    const low = Math.floor(visible.first / PAGE_SIZE) - KEEP_PAGES_AROUND;
    const high = Math.floor(visible.last / PAGE_SIZE) + KEEP_PAGES_AROUND;
    const selectedPage = Math.floor(get().selectedIndex / PAGE_SIZE);
    const kept: Record<number, number[]> = {};
    let dropped = false;
    for (const [key, ids] of Object.entries(pages)) {
      const page = Number(key);
      if ((page >= low && page <= high) || page === selectedPage) kept[page] = ids;
      else dropped = true;
    }
    if (!dropped) return;
    const keptTiles: Record<number, ImageTile> = {};
    for (const ids of Object.values(kept)) for (const id of ids) if (tiles[id]) keptTiles[id] = tiles[id];
    set({ pages: kept, tiles: keptTiles });
  }

  return {
    filter: DEFAULT_FILTER,
    gridTotal: null,
    pages: {},
    tiles: {},
    columns: 1,
    selectedIndex: -1,

    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch }, selectedIndex: -1 });
      void get().refreshGrid(false);
    },

    ensureRange(first, last) {
      visible = { first, last };
      const total = get().gridTotal;
      if (total === null) return;
      const end = Math.min(last, total - 1);
      for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++) {
        if (!get().pages[page]) void loadPage(page, generation);
      }
      dropFarPages();
    },

    setColumns: (columns) => {
      if (columns !== get().columns) set({ columns });
    },

    select(index) {
      const total = get().gridTotal ?? 0;
      if (total === 0) return set({ selectedIndex: -1 });
      const clamped = Math.max(0, Math.min(total - 1, index));
      set({ selectedIndex: clamped });
      const page = Math.floor(clamped / PAGE_SIZE);
      if (!get().pages[page]) void loadPage(page, generation);
      get().onSelectionChanged();
    },

    moveSelection(delta) {
      const current = get().selectedIndex;
      get().select(current < 0 ? 0 : current + delta);
    },

    async refreshGrid(keepPages) {
      lastRefresh = Date.now();
      if (!get().library) return;
      if (!keepPages) {
        generation += 1;
        set({ pages: {}, gridTotal: null });
        await loadPage(Math.floor(Math.max(0, visible.first) / PAGE_SIZE), generation);
        // The first reply gives the total; the visible range can now be filled.
        get().ensureRange(visible.first, visible.last);
        return;
      }
      // Only the pages on screen (and the selection's) are read again: at 100k images one page
      // query can take ~0.2 s of the server's synchronous SQLite time, and this runs every second
      // while indexing. Pages off screen are dropped and load again when scrolled to.
      const wanted = new Set<number>([Math.floor(get().selectedIndex / PAGE_SIZE)]);
      for (
        let page = Math.floor(Math.max(0, visible.first) / PAGE_SIZE);
        page <= Math.floor(Math.max(0, visible.last) / PAGE_SIZE);
        page++
      )
        wanted.add(page);
      wanted.delete(-1);
      const gen = ++generation;
      const pages = get().pages;
      const kept = Object.fromEntries(Object.entries(pages).filter(([page]) => wanted.has(Number(page))));
      if (Object.keys(kept).length !== Object.keys(pages).length) set({ pages: kept });
      await Promise.all([...wanted].map((page) => loadPage(page, gen)));
      get().ensureRange(visible.first, visible.last);
    },

    scheduleGridRefresh() {
      if (refreshTimer) return;
      const wait = Math.max(0, lastRefresh + REFRESH_INTERVAL_MS - Date.now());
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void get().refreshGrid(true);
      }, wait);
    },

    applyPredictions(items) {
      const tiles = get().tiles;
      let patched: Record<number, ImageTile> | null = null;
      for (const item of items) {
        const tile = tiles[item.imageId];
        if (!tile) continue;
        patched ??= { ...tiles };
        patched[item.imageId] = { ...tile, status: 'indexed', top1: item.top1, errorKind: null };
      }
      if (patched) set({ tiles: patched });
      if (dependsOnPredictions(get().filter)) get().scheduleGridRefresh();
    },

    applyImageError(imageId, kind) {
      const tile = get().tiles[imageId];
      if (tile)
        set({ tiles: { ...get().tiles, [imageId]: { ...tile, status: 'failed', top1: null, errorKind: kind } } });
      if (dependsOnPredictions(get().filter)) get().scheduleGridRefresh();
    },
  };
};
