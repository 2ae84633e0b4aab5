/**
 * Labelling: the vocabulary, the picker, undo/redo, recently used labels, counts, and CSV export
 * and import. Every action applies to the selection, or to the focused image when nothing is
 * selected; the engine answers with what changed and broadcasts `labels.changed`, which is what
 * refreshes tiles here (and in every other window or tab).
 */
import type { AppEvent } from '../../main/contract/events.js';
import type {
  LabelChangeSummary,
  LabelCountsView,
  LabelImportReport,
  LabelRank,
  LabelVocabulary,
  UndoState,
} from '../../main/contract/label-types.js';
import type { RecentLabel } from '../labels/picker-options.js';
import { imageIdAt, toFilterQuery } from './grid-slice.js';
import { targetImageIds } from './selection-slice.js';
import type { SliceCreator } from './types.js';

/** Clearing more labels than this at once asks first. */
export const CLEAR_CONFIRM_ABOVE = 100;
const MAX_RECENT = 8;

export interface LabellingSlice {
  vocabulary: LabelVocabulary | null;
  undoState: UndoState;
  recentLabels: RecentLabel[];
  pickerOpen: boolean;
  viewerOpen: boolean;
  labelCounts: LabelCountsView | null;
  importReport: LabelImportReport | null;
  /** Shown while a labelling request is in flight (bulk labels of 100,000 take a moment). */
  labelling: boolean;
  loadVocabulary(): Promise<void>;
  setPickerOpen(open: boolean): void;
  setViewerOpen(open: boolean): void;
  applyLabel(label: string, rank: LabelRank, source?: 'manual' | 'accepted'): Promise<void>;
  acceptTopPrediction(): Promise<void>;
  /** Applies the focused image's k-th prediction (1-based) to the selection. */
  applyPrediction(k: number): Promise<void>;
  clearLabels(confirm: (count: number) => boolean): Promise<void>;
  undoLabels(): Promise<void>;
  redoLabels(): Promise<void>;
  /** Moves the focus to the next unlabelled image in the current order. */
  focusNextUnlabelled(): Promise<void>;
  loadLabelCounts(): Promise<void>;
  exportLabels(labelsOnly: boolean): Promise<void>;
  importLabels(csv: string, dryRun: boolean): Promise<void>;
  importFolderLabels(dryRun: boolean): Promise<void>;
  renameLabel(from: string, to: string): Promise<void>;
  mergeLabels(from: string, into: string): Promise<void>;
  addLabel(label: string, rank: LabelRank): Promise<void>;
  removeLabel(label: string): Promise<void>;
  onLabelsChanged(event: Extract<AppEvent, { type: 'labels.changed' }>): void;
}

export const createLabellingSlice: SliceCreator<LabellingSlice> = (transport) => (set, get) => {
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    set({ labelling: true });
    try {
      return await work();
    } catch (error) {
      get().notifyError(error);
      return undefined;
    } finally {
      set({ labelling: false });
    }
  }

  function applied(summary: LabelChangeSummary | null | undefined): void {
    if (!summary) return;
    set({ undoState: summary.undo });
    if (summary.protected > 0) {
      get().notifyError(
        new Error(`${summary.protected} image${summary.protected === 1 ? '' : 's'} kept a manual label`),
      );
    }
  }

  function remember(label: string, rank: LabelRank): void {
    const recent = [
      { label, rank },
      ...get().recentLabels.filter((item) => item.label !== label || item.rank !== rank),
    ].slice(0, MAX_RECENT);
    set({ recentLabels: recent });
  }

  async function focusedTopK(): Promise<{ name: string }[]> {
    const id = imageIdAt(get(), get().selectedIndex);
    if (id === null) return [];
    const detail = get().detail;
    if (detail && detail.id === id) return detail.topk;
    return (await transport.call('images.details', { id })).topk;
  }

  return {
    vocabulary: null,
    undoState: { undo: null, redo: null },
    recentLabels: [],
    pickerOpen: false,
    viewerOpen: false,
    labelCounts: null,
    importReport: null,
    labelling: false,

    async loadVocabulary() {
      try {
        const [vocabulary, undoState] = await Promise.all([
          transport.call('labels.vocabulary', {}),
          transport.call('labels.undoState', {}),
        ]);
        set({ vocabulary, undoState });
      } catch (error) {
        get().notifyError(error);
      }
    },

    setPickerOpen(open) {
      if (open && targetImageIds(get()).length === 0) return;
      set({ pickerOpen: open });
      if (open) void get().loadVocabulary();
    },

    setViewerOpen(open) {
      if (open && get().selectedIndex < 0) get().select(0);
      set({ viewerOpen: open });
    },

    async applyLabel(label, rank, source = 'manual') {
      const imageIds = targetImageIds(get());
      if (imageIds.length === 0) return;
      remember(label, rank);
      applied(await run(() => transport.call('labels.set', { imageIds, label, rank, source })));
    },

    async acceptTopPrediction() {
      const imageIds = targetImageIds(get());
      if (imageIds.length === 0) return;
      applied(await run(() => transport.call('labels.acceptPredictions', { imageIds })));
    },

    async applyPrediction(k) {
      const topk = await run(focusedTopK);
      const entry = topk?.[k - 1];
      if (!entry) return;
      await get().applyLabel(entry.name, 'species', 'accepted');
    },

    async clearLabels(confirm) {
      const imageIds = targetImageIds(get());
      if (imageIds.length === 0) return;
      if (imageIds.length > CLEAR_CONFIRM_ABOVE && !confirm(imageIds.length)) return;
      applied(await run(() => transport.call('labels.clear', { imageIds })));
    },

    async undoLabels() {
      applied(await run(() => transport.call('labels.undo', {})));
    },

    async redoLabels() {
      applied(await run(() => transport.call('labels.redo', {})));
    },

    async focusNextUnlabelled() {
      const state = get();
      const total = state.gridTotal ?? 0;
      const start = state.selectedIndex + 1;
      // Loaded tiles answer most presses without a round trip.
      for (let index = start; index < total; index++) {
        const id = imageIdAt(get(), index);
        if (id === null) break;
        if (!get().tiles[id]?.label) return get().select(index);
      }
      await run(async () => {
        const query = toFilterQuery(get().filter);
        const [all, unlabelled] = await Promise.all([
          transport.call('images.ids', query),
          transport.call('images.ids', { ...query, label: 'unlabelled' }),
        ]);
        const wanted = new Set(unlabelled.ids);
        const position = all.ids.findIndex((id, index) => index >= start && wanted.has(id));
        if (position >= 0) get().select(position);
      });
    },

    async loadLabelCounts() {
      const counts = await run(() => transport.call('labels.counts', {}));
      if (counts) set({ labelCounts: counts });
    },

    async exportLabels(labelsOnly) {
      const result = await run(() => transport.call('labels.exportCsv', { labelsOnly }));
      if (!result) return;
      // A download in the browser; Electron shows its save dialog for the same download.
      const url = URL.createObjectURL(new Blob([result.csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = result.fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },

    async importLabels(csv, dryRun) {
      const report = await run(() => transport.call('labels.importCsv', { csv, dryRun }));
      if (report) set({ importReport: report });
    },

    async importFolderLabels(dryRun) {
      const report = await run(() => transport.call('labels.importFolders', { dryRun }));
      if (report) set({ importReport: report });
    },

    async renameLabel(from, to) {
      applied(await run(() => transport.call('labels.rename', { from, to })));
      await get().loadVocabulary();
    },

    async mergeLabels(from, into) {
      applied(await run(() => transport.call('labels.merge', { from, into })));
      await get().loadVocabulary();
    },

    async addLabel(label, rank) {
      const vocabulary = await run(() => transport.call('labels.add', { label, rank }));
      if (vocabulary) set({ vocabulary });
    },

    async removeLabel(label) {
      const vocabulary = await run(() => transport.call('labels.remove', { label }));
      if (vocabulary) set({ vocabulary });
    },

    onLabelsChanged(event) {
      set({ undoState: event.undo, stats: { ...get().stats, labelled: event.labelled } });
      // Only the pages on screen are read again; a label filter may also change the total.
      void get().refreshGrid(true);
      if (event.imageIds === null) get().reloadDetailIf([get().detail?.id ?? -1]);
      else get().reloadDetailIf(event.imageIds);
      if (get().sidePanel === 'labels') void get().loadLabelCounts();
      if (get().vocabulary) void get().loadVocabulary();
    },
  };
};
