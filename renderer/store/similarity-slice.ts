/**
 * Similarity in the renderer: the ranked results of "find similar" (to the selection, to an
 * outside photo, with negatives, within the grid's filters), the breadcrumb of searches, the
 * near-duplicate groups and the embedding map. The views replace the grid until the breadcrumb
 * returns to the library; selecting in them goes through the selection slice, so the label
 * picker (`l`) labels what was selected here.
 */
import type { AppEvent } from '../../main/contract/events.js';
import type { DuplicateGroupView, EmbeddingMap, SimilarItem } from '../../main/contract/similarity-types.js';
import type { ImageTile } from '../../main/contract/types.js';
import { toFilterQuery } from './grid-slice.js';
import { targetImageIds } from './selection-slice.js';
import type { SliceCreator } from './types.js';

export type SimilarityView = 'library' | 'results' | 'duplicates' | 'map';

/** One search of the breadcrumb. */
export interface SimilarSearch {
  positives: number[];
  negatives: number[];
  /** Set for a photo from outside the library (its base64 bytes travel with the request). */
  outside: { name: string; base64: string } | null;
  /** Restricted to the grid's filters at the time of the search. */
  withinFilters: boolean;
  /** Words for the breadcrumb. */
  title: string;
}

export const SIMILAR_TOP = 200;
export const DEFAULT_DUPLICATE_THRESHOLD = 0.8;
/** The side of the longest edge an outside photo is shrunk to before it is sent (the models take 32-448 px; the WebSocket takes 1 MiB). */
const OUTSIDE_MAX_EDGE = 1024;

export interface SimilaritySlice {
  similarityView: SimilarityView;
  searches: SimilarSearch[];
  similarResults: SimilarItem[] | null;
  similarMethod: 'exact' | 'approximate' | null;
  similarBusy: boolean;
  /** Results below this score are hidden; Ctrl/Cmd+A selects those shown. */
  similarThreshold: number;
  similarWithinFilters: boolean;
  duplicateGroups: DuplicateGroupView[] | null;
  duplicateThreshold: number;
  duplicatesBusy: boolean;
  /** Image ids marked as keepers in the duplicates view (starts with the suggested ones). */
  keepers: ReadonlySet<number>;
  embeddingMap: EmbeddingMap | null;
  mapBusy: boolean;
  /** Finds images like `ids` (or the selection / focused image when omitted). */
  findSimilar(ids?: number[]): Promise<void>;
  findSimilarToFile(file: Blob, name: string): Promise<void>;
  /** Adds a result as a negative ("less like this") and searches again. */
  addNegative(id: number): Promise<void>;
  /** Goes back to the n-th search of the breadcrumb. */
  backTo(index: number): Promise<void>;
  setSimilarThreshold(threshold: number): void;
  setSimilarWithinFilters(within: boolean): void;
  /** Selects every result at or above the threshold (then `l` labels them). */
  selectResultsAboveThreshold(): void;
  openDuplicates(): Promise<void>;
  setDuplicateThreshold(threshold: number): Promise<void>;
  toggleKeeper(id: number): void;
  /** Selects the photos of every group that are not marked as keepers. */
  selectNonKeepers(): void;
  /** Desktop only: moves the non-keepers to the OS trash after `confirm` says yes. */
  trashNonKeepers(confirm: (count: number) => boolean): Promise<void>;
  openMap(): Promise<void>;
  backToLibrary(): void;
}

/** Reads a picture, shrinks it on a canvas and returns JPEG base64 (no data: prefix). */
async function shrinkToBase64(file: Blob): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, OUTSIDE_MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the picture could not be re-encoded'))),
      'image/jpeg',
      0.92,
    ),
  );
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function suggestedKeepers(groups: DuplicateGroupView[]): Set<number> {
  return new Set(groups.flatMap((group) => group.members.filter((m) => m.keep).map((m) => m.tile.id)));
}

export const createSimilaritySlice: SliceCreator<SimilaritySlice> = (transport) => (set, get) => {
  /** Bumped per search: a slow reply for an older search is dropped. */
  let generation = 0;

  async function run(search: SimilarSearch, breadcrumb: SimilarSearch[]): Promise<void> {
    const gen = ++generation;
    set({ similarityView: 'results', searches: breadcrumb, similarBusy: true, similarResults: get().similarResults });
    const { filter } = get();
    const query = toFilterQuery(filter);
    const within = search.withinFilters
      ? {
          filter: {
            ...(query.classIndex === undefined ? {} : { classIndex: query.classIndex }),
            ...(query.minConfidence === undefined ? {} : { minConfidence: query.minConfidence }),
            ...(query.maxConfidence === undefined ? {} : { maxConfidence: query.maxConfidence }),
            ...(query.label === undefined ? {} : { label: query.label }),
            ...(query.pathContains === undefined ? {} : { pathContains: query.pathContains }),
          },
        }
      : {};
    try {
      const options = { negatives: search.negatives, top: SIMILAR_TOP, ...within };
      const results = search.outside
        ? await transport.call('similar.searchOutside', { imageBase64: search.outside.base64, ...options })
        : await transport.call('similar.search', { positives: search.positives, ...options });
      if (gen !== generation) return;
      set({ similarResults: results.items, similarMethod: results.method });
    } catch (error) {
      if (gen === generation) get().notifyError(error);
    } finally {
      if (gen === generation) set({ similarBusy: false });
    }
  }

  function describe(ids: number[]): string {
    const tiles = get().tiles as Record<number, ImageTile | undefined>;
    const results = get().similarResults ?? [];
    const name = (id: number) =>
      (tiles[id] ?? results.find((item) => item.tile.id === id)?.tile)?.relPath.split('/').pop() ?? `#${id}`;
    return ids.length === 1 ? name(ids[0]!) : `${ids.length} images`;
  }

  transport.subscribe((event: AppEvent) => {
    if (event.type !== 'labels.changed') return;
    const results = get().similarResults;
    if (!results) return;
    const changed = event.imageIds === null ? null : new Set(event.imageIds);
    const stale = results.filter((item) => changed === null || changed.has(item.tile.id)).map((item) => item.tile.id);
    void Promise.all(stale.map((id) => transport.call('images.details', { id }).catch(() => null))).then((details) => {
      const byId = new Map(details.flatMap((d) => (d ? [[d.id, d] as const] : [])));
      const current = get().similarResults;
      if (!current || byId.size === 0) return;
      set({
        similarResults: current.map((item) => {
          const d = byId.get(item.tile.id);
          return d
            ? {
                ...item,
                tile: {
                  ...item.tile,
                  label: d.label ? { label: d.label.label, rank: d.label.rank, source: d.label.source } : null,
                },
              }
            : item;
        }),
      });
    });
  });

  return {
    similarityView: 'library',
    searches: [],
    similarResults: null,
    similarMethod: null,
    similarBusy: false,
    similarThreshold: 0,
    similarWithinFilters: false,
    duplicateGroups: null,
    duplicateThreshold: DEFAULT_DUPLICATE_THRESHOLD,
    duplicatesBusy: false,
    keepers: new Set(),
    embeddingMap: null,
    mapBusy: false,

    async findSimilar(ids) {
      const positives = ids ?? targetImageIds(get());
      if (positives.length === 0) {
        get().notifyError(new Error('Find similar: select an image first (click a tile, or move with the arrow keys)'));
        return;
      }
      const search: SimilarSearch = {
        positives,
        negatives: [],
        outside: null,
        withinFilters: get().similarWithinFilters,
        title: `like ${describe(positives)}`,
      };
      // A search started from the results view goes on the breadcrumb; from the library it starts one.
      const trail = get().similarityView === 'results' ? get().searches : [];
      await run(search, [...trail, search]);
    },

    async findSimilarToFile(file, name) {
      try {
        const base64 = await shrinkToBase64(file);
        const search: SimilarSearch = {
          positives: [],
          negatives: [],
          outside: { name, base64 },
          withinFilters: get().similarWithinFilters,
          title: `like ${name} (outside)`,
        };
        await run(search, [search]);
      } catch (error) {
        get().notifyError(error);
      }
    },

    async addNegative(id) {
      const searches = get().searches;
      const last = searches.at(-1);
      if (!last) return;
      const search: SimilarSearch = {
        ...last,
        negatives: [...last.negatives, id],
        title: `${last.title}, less like ${describe([id])}`,
      };
      await run(search, [...searches, search]);
    },

    async backTo(index) {
      const searches = get().searches.slice(0, index + 1);
      const search = searches.at(-1);
      if (search) await run(search, searches);
    },

    setSimilarThreshold: (threshold) => set({ similarThreshold: Math.max(-1, Math.min(1, threshold)) }),

    setSimilarWithinFilters(within) {
      set({ similarWithinFilters: within });
      const searches = get().searches;
      const last = searches.at(-1);
      if (last && get().similarityView === 'results')
        void run({ ...last, withinFilters: within }, [...searches.slice(0, -1), { ...last, withinFilters: within }]);
    },

    selectResultsAboveThreshold() {
      const { similarResults, similarThreshold } = get();
      if (!similarResults) return;
      get().setSelection(similarResults.filter((item) => item.score >= similarThreshold).map((item) => item.tile.id));
    },

    async openDuplicates() {
      set({ similarityView: 'duplicates' });
      await get().setDuplicateThreshold(get().duplicateThreshold);
    },

    async setDuplicateThreshold(threshold) {
      const gen = ++generation;
      set({ duplicateThreshold: threshold, duplicatesBusy: true });
      try {
        const groups = await transport.call('similar.duplicates', { threshold });
        if (gen !== generation) return;
        set({ duplicateGroups: groups, keepers: suggestedKeepers(groups) });
      } catch (error) {
        if (gen === generation) get().notifyError(error);
      } finally {
        if (gen === generation) set({ duplicatesBusy: false });
      }
    },

    toggleKeeper(id) {
      const keepers = new Set(get().keepers);
      if (keepers.has(id)) keepers.delete(id);
      else keepers.add(id);
      set({ keepers });
    },

    selectNonKeepers() {
      const { duplicateGroups, keepers } = get();
      get().setSelection(
        (duplicateGroups ?? []).flatMap((group) =>
          group.members.map((m) => m.tile.id).filter((id) => !keepers.has(id)),
        ),
      );
    },

    async trashNonKeepers(confirm) {
      const { duplicateGroups, keepers } = get();
      const ids = (duplicateGroups ?? []).flatMap((group) =>
        // A group with no keeper marked keeps everything: trashing a whole group is never implied.
        group.members.some((m) => keepers.has(m.tile.id))
          ? group.members.map((m) => m.tile.id).filter((id) => !keepers.has(id))
          : [],
      );
      if (ids.length === 0 || !confirm(ids.length)) return;
      try {
        const report = await transport.call('duplicates.trash', { imageIds: ids, confirmed: true });
        if (report.failed.length > 0)
          get().notifyError(
            new Error(
              `${report.failed.length} files could not be moved to the trash: ${report.failed[0]!.relPath}: ${report.failed[0]!.message}`,
            ),
          );
        await get().setDuplicateThreshold(get().duplicateThreshold);
      } catch (error) {
        get().notifyError(error);
      }
    },

    async openMap() {
      const gen = ++generation;
      set({ similarityView: 'map', mapBusy: true });
      try {
        // PCA shows at once; UMAP (computed in the engine's worker, cached per model) replaces it.
        const pca = await transport.call('similar.map', { kind: 'pca' });
        if (gen !== generation) return;
        set({ embeddingMap: pca });
        const umap = await transport.call('similar.map', { kind: 'umap' });
        if (gen !== generation || get().similarityView !== 'map') return;
        set({ embeddingMap: umap });
      } catch (error) {
        if (gen === generation) get().notifyError(error);
      } finally {
        if (gen === generation) set({ mapBusy: false });
      }
    },

    backToLibrary() {
      generation += 1;
      set({ similarityView: 'library', similarBusy: false, duplicatesBusy: false, mapBusy: false });
    },
  };
};
