/**
 * The labels of one library: apply (one undo step per action, however many images), undo/redo
 * (kept in the catalog, so they survive a restart), provenance, counts and the user vocabulary.
 * The CLI, the app session, the trainer and propagation all label through this one class.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { LabelRow } from '../catalog/catalog-labels.js';
import { FieldmarkError } from '../../util/errors.js';
import { checkImageId, checkLabelText, checkRank, checkScore, checkSource } from './label-validate.js';
import type {
  LabelAssignment,
  LabelChange,
  LabelCount,
  LabelHistoryEntry,
  LabelRank,
  LabelRecord,
  LabelSource,
  LabelValue,
  UndoState,
  VocabularyEntry,
} from './types.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export class LabelStore {
  constructor(
    private readonly catalog: Catalog,
    private readonly libraryId: number,
  ) {}

  /**
   * One undo step: gives every id the value (null clears). Automatic sources skip images with a
   * label from a user-driven source (reported in protectedImageIds).
   * @throws FieldmarkError InvalidArgument for a bad value or ids not in the library (naming them); nothing is written then.
   */
  apply(imageIds: readonly number[], value: LabelValue | null, source: LabelSource, description?: string): LabelChange {
    checkSource('source', source);
    if (!Array.isArray(imageIds))
      throw new FieldmarkError('InvalidArgument', 'imageIds: expected an array of image ids');
    const label = value === null ? null : checkLabelText('label', value.label);
    const rank = value === null ? null : checkRank('rank', value.rank);
    const rows: LabelRow[] = imageIds.map((id, i) => ({
      imageId: checkImageId(`imageIds[${i}]`, id),
      label,
      rank,
      source,
      score: null,
    }));
    const text =
      description ??
      (label === null
        ? `Clear the label of ${plural(imageIds.length, 'image')}`
        : `Label ${plural(imageIds.length, 'image')} "${label}"`);
    return this.catalog.labels.apply(this.libraryId, rows, text);
  }

  /**
   * One undo step with per-image labels (accept top-1 for a selection, import, propagation, model).
   * @throws FieldmarkError InvalidArgument as apply
   */
  applyEach(assignments: readonly LabelAssignment[], source: LabelSource, description?: string): LabelChange {
    checkSource('source', source);
    if (!Array.isArray(assignments)) throw new FieldmarkError('InvalidArgument', 'assignments: expected an array');
    const rows: LabelRow[] = assignments.map((a, i) => ({
      imageId: checkImageId(`assignments[${i}].imageId`, a.imageId),
      label: checkLabelText(`assignments[${i}].label`, a.label),
      rank: checkRank(`assignments[${i}].rank`, a.rank),
      source,
      score: checkScore(`assignments[${i}].score`, a.score),
    }));
    return this.catalog.labels.apply(
      this.libraryId,
      rows,
      description ?? `Label ${plural(assignments.length, 'image')} (${source})`,
    );
  }

  /** Undoes the latest step; null when there is nothing to undo. */
  undo(): LabelChange | null {
    return this.catalog.labels.undo(this.libraryId);
  }

  /** Redoes the step undone last; null when there is nothing to redo (or a new action came since). */
  redo(): LabelChange | null {
    return this.catalog.labels.redo(this.libraryId);
  }

  undoState(): UndoState {
    return this.catalog.labels.undoState(this.libraryId);
  }

  labelOf(imageId: number): LabelRecord | null {
    return this.labelsOf([imageId]).get(imageId) ?? null;
  }

  labelsOf(imageIds: readonly number[]): Map<number, LabelRecord> {
    return this.catalog.labels.labelsOf(this.libraryId, imageIds);
  }

  /** Every labelled image of the library. */
  allLabels(): LabelRecord[] {
    return this.catalog.labels.all(this.libraryId);
  }

  history(imageId: number): LabelHistoryEntry[] {
    return this.catalog.labels.history(checkImageId('imageId', imageId));
  }

  /** Per label, most first. */
  counts(): LabelCount[] {
    return this.catalog.labels.counts(this.libraryId);
  }

  labelledCount(): number {
    return this.catalog.labels.labelledCount(this.libraryId);
  }

  vocabulary(): VocabularyEntry[] {
    return this.catalog.labels.vocabulary(this.libraryId);
  }

  addToVocabulary(label: string, rank: LabelRank = 'species'): void {
    this.catalog.labels.addToVocabulary(this.libraryId, checkLabelText('label', label), checkRank('rank', rank));
  }

  /**
   * Relabels every image of `oldLabel` as `newLabel` in one step (each keeps its source and rank); the vocabulary entry follows.
   * @throws FieldmarkError InvalidArgument when the new name is already in use (that is a merge), or the old one is unknown
   */
  rename(oldLabel: string, newLabel: string): LabelChange {
    const from = checkLabelText('oldLabel', oldLabel);
    const into = checkLabelText('newLabel', newLabel);
    const known = this.vocabulary();
    if (!known.some((entry) => entry.label === from))
      throw new FieldmarkError('InvalidArgument', `rename: expected a label of this library but received "${from}"`);
    if (from !== into && known.some((entry) => entry.label === into && entry.count > 0)) {
      throw new FieldmarkError(
        'InvalidArgument',
        `rename: "${into}" is already in use; merge "${from}" into it instead`,
      );
    }
    return this.relabel(from, into, `Rename "${from}" to "${into}"`);
  }

  /**
   * Gives every image of `from` the label `into` in one step; `from` leaves the vocabulary.
   * @throws FieldmarkError InvalidArgument for an unknown `from` or from = into
   */
  merge(from: string, into: string): LabelChange {
    const source = checkLabelText('from', from);
    const target = checkLabelText('into', into);
    if (source === target)
      throw new FieldmarkError(
        'InvalidArgument',
        `merge: expected two different labels but received "${source}" twice`,
      );
    if (!this.vocabulary().some((entry) => entry.label === source))
      throw new FieldmarkError('InvalidArgument', `merge: expected a label of this library but received "${source}"`);
    // The merged images take the rank the target is used at (a species merged into a family becomes the family).
    const targetInUse = this.vocabulary().find((entry) => entry.label === target && entry.count > 0)?.rank ?? null;
    return this.relabel(source, target, `Merge "${source}" into "${target}"`, targetInUse);
  }

  /** Refuses (InvalidArgument) a label still in use. @throws FieldmarkError InvalidArgument, NotFound */
  removeFromVocabulary(label: string): void {
    this.catalog.labels.removeFromVocabulary(this.libraryId, checkLabelText('label', label));
  }

  private relabel(from: string, into: string, description: string, rankInUse: LabelRank | null = null): LabelChange {
    const targetRank = this.catalog.labels.vocabularyRank(this.libraryId, into) ?? rankInUse;
    const rows = this.catalog.labels
      .rowsWithLabel(this.libraryId, from)
      .map((row) => ({ ...row, label: into, rank: targetRank ?? row.rank }));
    const change = this.catalog.labels.apply(this.libraryId, rows, description);
    this.catalog.labels.renameInVocabulary(this.libraryId, from, into);
    return change;
  }
}
