/**
 * The labelling vocabulary of the engine: where a label came from, at which taxonomic rank it
 * was given, and what one change (one undo step) did. Shared by the label store, the CLI, the
 * app session and the trainer, so every one of them speaks of labels the same way.
 */

/**
 * Where a label came from. Manual labels are the user's own decisions: no automatic source
 * (`accepted` is a user accepting a prediction, so it counts as the user's) ever overwrites one.
 */
export type LabelSource = 'manual' | 'accepted' | 'imported' | 'propagated' | 'model';
export const LABEL_SOURCES: readonly LabelSource[] = ['manual', 'accepted', 'imported', 'propagated', 'model'];

/** Sources that only suggest: they never replace a label from a user-driven source. */
export const AUTOMATIC_SOURCES: readonly LabelSource[] = ['propagated', 'model'];

/**
 * The rank a label was given at. `species` for a leaf class of a label set (a CUB species, an
 * ImageNet class) or a user's own category; coarser ranks are CUB "back-off" labels.
 */
export type LabelRank = 'species' | 'genus' | 'family' | 'order';
export const LABEL_RANKS: readonly LabelRank[] = ['species', 'genus', 'family', 'order'];

/** A label as the user gives it. */
export interface LabelValue {
  label: string;
  rank: LabelRank;
}

/** The current label of one image. */
export interface LabelRecord {
  imageId: number;
  label: string;
  rank: LabelRank;
  source: LabelSource;
  /** Confidence of an automatic label (propagation score, model probability); null for manual ones. */
  score: number | null;
  updatedAt: string;
}

/** One entry of an image's label history, oldest first. */
export interface LabelHistoryEntry {
  eventId: number;
  /** The undo step this change belongs to. */
  step: number;
  oldLabel: string | null;
  newLabel: string | null;
  rank: LabelRank | null;
  source: LabelSource;
  at: string;
  /** True once the step was undone (and not redone). */
  undone: boolean;
}

/** What one labelling action did: the images whose label changed, and its undo step (null if nothing changed). */
export interface LabelChange {
  step: number | null;
  changedImageIds: number[];
  /** Images left as they were because a manual label protects them from an automatic source. */
  protectedImageIds: number[];
}

/** Per-image assignment, for actions that give different images different labels. */
export interface LabelAssignment {
  imageId: number;
  label: string;
  rank: LabelRank;
  score?: number | null;
}

export interface LabelCount {
  label: string;
  rank: LabelRank;
  count: number;
}

/** A vocabulary entry: a label the user added, or one in use. */
export interface VocabularyEntry {
  label: string;
  rank: LabelRank;
  /** Images that carry it now. */
  count: number;
  /** True when the user added it to the vocabulary (it stays when unused). */
  userAdded: boolean;
}

/** The undo/redo state: descriptions of the next step each way, null when there is none. */
export interface UndoState {
  undo: string | null;
  redo: string | null;
}
