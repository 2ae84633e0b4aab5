/**
 * The labelling shapes that cross the contract. Type-only: the engine's label vocabulary
 * (sources, ranks, undo state) is re-exported so that main, preload and renderer agree on it.
 */
import type { LabelCount, LabelHistoryEntry, LabelRank, LabelSource, UndoState } from '../engine/labels/types.js';

export type { LabelRank, LabelSource, UndoState };

/** The label a tile shows beside its prediction. */
export interface TileLabel {
  label: string;
  rank: LabelRank;
  source: LabelSource;
  /** The label is neither the top-1 prediction nor a taxon above it (the `disagree` filter's rule); absent where unknown. */
  disagrees?: boolean;
}

/** One choice of the label picker: a class of the model's label set, a coarser taxon, or a user label. */
export interface LabelOption {
  label: string;
  rank: LabelRank;
  /** CUB's three-digit id ("017") where the label set has one. */
  classId: string | null;
  scientificName: string | null;
  genus: string | null;
  family: string | null;
  order: string | null;
  /** Images that carry this label now. */
  count: number;
  /** Added by the user (kept when unused), as opposed to coming from the label set. */
  userAdded: boolean;
}

export interface LabelVocabulary {
  /** The model's label set (`cub200`, `imagenet1k`, ...), null without a model. */
  labelSet: string | null;
  /** True when the options carry a taxonomy (CUB): the picker groups them and offers back-off ranks. */
  hierarchical: boolean;
  options: LabelOption[];
}

/** What a labelling request did. */
export interface LabelChangeSummary {
  changed: number;
  /** Images left alone because a manual label protects them. */
  protected: number;
  undo: UndoState;
}

/** One entry of an image's label history, as the engine records it (the event's row id stays inside). */
export type LabelHistoryItem = Omit<LabelHistoryEntry, 'eventId'>;

export interface LabelCountsView {
  labelled: number;
  total: number;
  counts: LabelCount[];
}

export interface LabelImportReport {
  dryRun: boolean;
  applied: number;
  rows: number;
  errors: { row: number; reason: string }[];
}

export interface LabelExport {
  fileName: string;
  csv: string;
  rows: number;
}

/** The label filter of the grid. */
export type LabelFilter = 'labelled' | 'unlabelled' | 'disagree';
