/**
 * Learning from labels in the UI: train a model from the labels (progress from `training`
 * events), the evaluation view (a confusion cell filters the grid to its images), and label
 * propagation with bulk accept / reject of the suggestions.
 */
import type {
  EvaluationReport,
  PropagationSummary,
  SuspectItem,
  TrainStatus,
} from '../../main/contract/learning-types.js';
import { imageIdAt } from './grid-slice.js';
import type { SliceCreator } from './types.js';

/** The most suspects the grid filter shows (the contract's limit). */
const SUSPECT_FILTER_LIMIT = 10_000;

export interface LearningSlice {
  training: TrainStatus | null;
  evaluation: EvaluationReport | null;
  evaluationOpen: boolean;
  propagation: PropagationSummary | null;
  /** Null while closed; [] while loading or when nothing is suspect. */
  suspects: SuspectItem[] | null;
  openSuspects(): Promise<void>;
  closeSuspects(): void;
  /** Gives the image the suggested label (as the user's own) and drops it from the list. */
  applySuggestedLabel(item: SuspectItem): Promise<void>;
  /** The suggested label per image id while the grid shows the suspects (`filter-suspect`). */
  suspectSuggestions: Record<number, string>;
  /** Turns the grid's suspects filter on (reads the ranking once) or off. */
  toggleSuspectFilter(): Promise<void>;
  /** Applies the focused image's suggested label to the selection (key `g`). */
  applyFocusedSuggestion(): Promise<void>;
  startTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
  setTraining(status: TrainStatus): void;
  openEvaluation(): Promise<void>;
  closeEvaluation(): void;
  /** Shows the images of one confusion cell in the grid: labelled `truth`, predicted `predicted`. */
  showConfusionCell(truth: string, predicted: string): void;
  propagate(minScore: number): Promise<void>;
  reviewSuggestions(decision: 'accept' | 'reject', minScore: number): Promise<void>;
}

export const createLearningSlice: SliceCreator<LearningSlice> = (transport) => (set, get) => ({
  training: null,
  evaluation: null,
  evaluationOpen: false,
  propagation: null,
  suspects: null,
  async openSuspects() {
    set({ suspects: [] });
    try {
      set({ suspects: await transport.call('learning.suspects', { limit: 50 }) });
    } catch (error) {
      set({ suspects: null });
      get().notifyError(error);
    }
  },
  closeSuspects() {
    set({ suspects: null });
  },
  suspectSuggestions: {},
  async toggleSuspectFilter() {
    if (get().filter.suspectIds !== null) {
      get().setFilter({ suspectIds: null });
      return;
    }
    try {
      const items = await transport.call('learning.suspects', { limit: SUSPECT_FILTER_LIMIT });
      set({ suspectSuggestions: Object.fromEntries(items.map((item) => [item.imageId, item.suggested])) });
      get().setFilter({ suspectIds: items.map((item) => item.imageId) });
    } catch (error) {
      get().notifyError(error);
    }
  },
  async applyFocusedSuggestion() {
    const id = imageIdAt(get(), get().selectedIndex);
    const suggested = id === null ? undefined : get().suspectSuggestions[id];
    if (suggested === undefined) return;
    await get().applyLabel(suggested, 'species', 'manual');
  },
  async applySuggestedLabel(item) {
    try {
      await transport.call('labels.set', {
        imageIds: [item.imageId],
        label: item.suggested,
        rank: 'species',
        source: 'manual',
      });
      set({ suspects: get().suspects?.filter((s) => s.imageId !== item.imageId) ?? null });
    } catch (error) {
      get().notifyError(error);
    }
  },
  async startTraining() {
    try {
      set({ training: await transport.call('learning.train', {}) });
    } catch (error) {
      get().notifyError(error);
    }
  },
  async cancelTraining() {
    try {
      set({ training: await transport.call('learning.cancel', {}) });
    } catch (error) {
      get().notifyError(error);
    }
  },
  setTraining(status) {
    set({ training: status });
  },
  async openEvaluation() {
    set({ evaluationOpen: true });
    try {
      set({ evaluation: await transport.call('learning.evaluate', {}) });
    } catch (error) {
      set({ evaluationOpen: false });
      get().notifyError(error);
    }
  },
  closeEvaluation() {
    set({ evaluationOpen: false });
  },
  showConfusionCell(truth, predicted) {
    const classIndex = get().evaluation?.classIndex[predicted];
    set({ evaluationOpen: false });
    get().setFilter({ labelIs: { label: truth, rank: 'species' }, classIndex: classIndex ?? null, suspectIds: null });
  },
  async propagate(minScore) {
    try {
      set({ propagation: await transport.call('learning.propagate', { minScore }) });
    } catch (error) {
      get().notifyError(error);
    }
  },
  async reviewSuggestions(decision, minScore) {
    try {
      await transport.call('learning.reviewSuggestions', { decision, minScore });
      set({ propagation: null });
    } catch (error) {
      get().notifyError(error);
    }
  },
});
