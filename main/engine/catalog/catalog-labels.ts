/**
 * The catalog's label API (`catalog.labels`): thin methods over label-writes and label-queries,
 * kept apart from catalog.ts so that the Catalog stays the one writer without growing a method
 * per label query. Every write is one transaction; every labelling write is one undo step.
 */
import type {
  LabelChange,
  LabelCount,
  LabelHistoryEntry,
  LabelRank,
  LabelRecord,
  UndoState,
  VocabularyEntry,
} from '../labels/types.js';
import type { SqlRunner } from './sql-runner.js';
import * as labelWrites from './label-writes.js';
import * as labelQueries from './label-queries.js';
import type { LabelRow } from './label-writes.js';

export type { LabelRow } from './label-writes.js';

export class CatalogLabels {
  constructor(private readonly sql: SqlRunner) {}

  /** One undo step (see label-writes.applyLabelRows). @throws FieldmarkError InvalidArgument for ids outside the library */
  apply(libraryId: number, rows: readonly LabelRow[], description: string): LabelChange {
    return labelWrites.applyLabelRows(this.sql, libraryId, rows, description);
  }

  undo(libraryId: number): LabelChange | null {
    return labelWrites.undoStep(this.sql, libraryId);
  }

  redo(libraryId: number): LabelChange | null {
    return labelWrites.redoStep(this.sql, libraryId);
  }

  undoState(libraryId: number): UndoState {
    return labelQueries.undoState(this.sql, libraryId);
  }

  /** @throws FieldmarkError NotFound for an unknown image */
  libraryOfImage(imageId: number): number {
    return labelWrites.libraryOfImage(this.sql, imageId);
  }

  labelsOf(libraryId: number, imageIds: readonly number[]): Map<number, LabelRecord> {
    return labelQueries.labelsOf(this.sql, libraryId, imageIds);
  }

  all(libraryId: number): LabelRecord[] {
    return labelQueries.allLabels(this.sql, libraryId);
  }

  history(imageId: number): LabelHistoryEntry[] {
    return labelQueries.labelHistory(this.sql, imageId);
  }

  counts(libraryId: number): LabelCount[] {
    return labelQueries.labelCounts(this.sql, libraryId);
  }

  labelledCount(libraryId: number): number {
    return labelQueries.labelledCount(this.sql, libraryId);
  }

  rowsWithLabel(libraryId: number, label: string): LabelRow[] {
    return labelWrites.rowsWithLabel(this.sql, libraryId, label);
  }

  vocabulary(libraryId: number): VocabularyEntry[] {
    return labelQueries.vocabulary(this.sql, libraryId);
  }

  vocabularyRank(libraryId: number, label: string): LabelRank | null {
    return labelQueries.vocabularyRank(this.sql, libraryId, label);
  }

  addToVocabulary(libraryId: number, label: string, rank: LabelRank): void {
    labelWrites.addVocabulary(this.sql, libraryId, label, rank);
  }

  renameInVocabulary(libraryId: number, from: string, into: string): void {
    labelWrites.renameVocabulary(this.sql, libraryId, from, into);
  }

  /** One row per image (labelled ones only with `labelsOnly`), by path, for the CSV export. */
  exportRows(libraryId: number, modelRowId: number | null, labelsOnly: boolean): labelQueries.LabelExportRow[] {
    return labelQueries.labelExportRows(this.sql, libraryId, modelRowId, labelsOnly);
  }

  /** @throws FieldmarkError InvalidArgument while images carry the label, NotFound when it is not in the vocabulary */
  removeFromVocabulary(libraryId: number, label: string): void {
    labelWrites.removeVocabulary(this.sql, libraryId, label);
  }
}
