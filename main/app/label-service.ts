/**
 * The labelling side of an open library: turns contract requests into label-store actions,
 * knows the model's class names (so "accept the prediction" and the disagreement filter speak of
 * names, never indexes), and announces every change as a `labels.changed` event so that every
 * window and browser tab stays in step.
 */
import type { AppEvent } from '../contract/events.js';
import type {
  LabelChangeSummary,
  LabelCountsView,
  LabelExport,
  LabelHistoryItem,
  LabelImportReport,
  LabelVocabulary,
} from '../contract/label-types.js';
import type { Catalog } from '../engine/catalog/catalog.js';
import { LabelStore } from '../engine/labels/label-store.js';
import type { LabelChange, LabelRank } from '../engine/labels/types.js';
import { FieldmarkError } from '../util/errors.js';
import { buildVocabulary } from './label-vocabulary.js';
import { exportLabelsCsv, importLabelsCsv, importLabelsFromFolderNames } from './label-files.js';

/** Above this many changed images the event says "everything" instead of listing them. */
const MAX_IDS_IN_EVENT = 5000;

export interface LabelServiceContext {
  catalog: Catalog;
  libraryId: number;
  root: string;
  /** The library's model now: its class names, label set and catalog row (null before the first run). */
  model(): { classNames: readonly string[]; labelSet: string; modelRowId: number | null; id: string } | null;
  emit(event: AppEvent): void;
}

export class LabelService {
  readonly store: LabelStore;

  constructor(private readonly context: LabelServiceContext) {
    this.store = new LabelStore(context.catalog, context.libraryId);
  }

  set(imageIds: readonly number[], label: string, rank: LabelRank, source: 'manual' | 'accepted'): LabelChangeSummary {
    const description = `${source === 'accepted' ? 'Accept' : 'Label'} ${imageIds.length} image${imageIds.length === 1 ? '' : 's'} as ${label}`;
    return this.announce(this.store.apply(imageIds, { label, rank }, source, description));
  }

  /** Each image gets its own top-1 prediction; images without one are left as they are. */
  acceptPredictions(imageIds: readonly number[]): LabelChangeSummary {
    const model = this.context.model();
    if (!model || model.modelRowId === null)
      throw new FieldmarkError('NotFound', 'no predictions yet: index the library with a model first');
    const top1 = this.context.catalog.top1Of(model.modelRowId, imageIds);
    const assignments = [];
    for (const imageId of imageIds) {
      const index = top1.get(imageId);
      const name = index === undefined ? undefined : model.classNames[index];
      if (name !== undefined) assignments.push({ imageId, label: name, rank: 'species' as const });
    }
    return this.announce(
      this.store.applyEach(
        assignments,
        'accepted',
        `Accept the top-1 prediction of ${imageIds.length} image${imageIds.length === 1 ? '' : 's'}`,
      ),
    );
  }

  clear(imageIds: readonly number[]): LabelChangeSummary {
    return this.announce(
      this.store.apply(
        imageIds,
        null,
        'manual',
        `Clear the label of ${imageIds.length} image${imageIds.length === 1 ? '' : 's'}`,
      ),
    );
  }

  undo(): LabelChangeSummary | null {
    const change = this.store.undo();
    return change ? this.announce(change) : null;
  }

  redo(): LabelChangeSummary | null {
    const change = this.store.redo();
    return change ? this.announce(change) : null;
  }

  rename(from: string, to: string): LabelChangeSummary {
    return this.announce(this.store.rename(from, to), true);
  }

  merge(from: string, into: string): LabelChangeSummary {
    return this.announce(this.store.merge(from, into), true);
  }

  vocabulary(): LabelVocabulary {
    const model = this.context.model();
    return buildVocabulary(model?.labelSet ?? null, model?.classNames ?? [], this.store.vocabulary());
  }

  add(label: string, rank: LabelRank): LabelVocabulary {
    this.store.addToVocabulary(label, rank);
    return this.vocabulary();
  }

  remove(label: string): LabelVocabulary {
    this.store.removeFromVocabulary(label);
    return this.vocabulary();
  }

  history(imageId: number): LabelHistoryItem[] {
    return this.store.history(imageId).map(({ step, oldLabel, newLabel, rank, source, at, undone }) => ({
      step,
      oldLabel,
      newLabel,
      rank,
      source,
      at,
      undone,
    }));
  }

  counts(total: number): LabelCountsView {
    return { labelled: this.store.labelledCount(), total, counts: this.store.counts() };
  }

  exportCsv(labelsOnly: boolean): LabelExport {
    return exportLabelsCsv(this.context, labelsOnly);
  }

  importCsv(csv: string, dryRun: boolean): LabelImportReport {
    const { report, change } = importLabelsCsv(this.context, this.store, csv, dryRun);
    if (change) this.announce(change);
    return report;
  }

  importFolders(dryRun: boolean): LabelImportReport {
    const { report, change } = importLabelsFromFolderNames(this.context, this.store, dryRun);
    if (change) this.announce(change);
    return report;
  }

  private announce(change: LabelChange, everything = false): LabelChangeSummary {
    const undo = this.store.undoState();
    if (change.changedImageIds.length > 0 || everything) {
      const listed = !everything && change.changedImageIds.length <= MAX_IDS_IN_EVENT;
      this.context.emit({
        type: 'labels.changed',
        imageIds: listed ? change.changedImageIds : null,
        undo,
        labelled: this.store.labelledCount(),
      });
    }
    return { changed: change.changedImageIds.length, protected: change.protectedImageIds.length, undo };
  }
}
