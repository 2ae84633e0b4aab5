/**
 * The reading side of an open library: catalog rows turned into contract shapes (grid tiles,
 * image details, failures, class counts) for the model the library is indexed with. Pure
 * functions of a LibraryReadContext; library-session.ts holds the state and calls them.
 */
import { resolve, sep } from 'node:path';
import type {
  ClassCount,
  FailedImage,
  ImageDetails,
  ImageStatus,
  ImageTile,
  LibraryStats,
  TopClass,
} from '../contract/types.js';
import type { ImageStatus as CatalogStatus, TopKEntry } from '../engine/catalog/types.js';
import type { LabelStore } from '../engine/labels/label-store.js';
import type { OpenLibrary } from '../engine/library.js';
import { FieldmarkError, isErrorKind } from '../util/errors.js';
import { classLineage, labelDisagrees } from './list-query.js';
import type { ListPage } from './image-pager.js';
import type { ResolvedModel } from './model-resolver.js';

export interface LibraryReadContext {
  catalog: OpenLibrary['catalog'];
  libraryId: number;
  root: string;
  model: ResolvedModel | null;
  modelRowId: number | null;
  labels: LabelStore;
}

export function namedClass(model: ResolvedModel | null, entry: TopKEntry): TopClass {
  const name = model?.metadata.classNames[entry.index] ?? `class ${entry.index}`;
  return { index: entry.index, name, prob: entry.prob };
}

function fromCatalogStatus(status: CatalogStatus): ImageStatus {
  return status === 'ok' ? 'indexed' : status;
}

export function libraryStats(context: LibraryReadContext): LibraryStats {
  const stats = context.catalog.stats(context.libraryId, context.modelRowId);
  // "Indexed" means predicted by the library's model: after a model change the images wait again.
  // One snapshot, so total = indexed + failed + pending holds in every event (missing images are in none).
  const indexed = context.modelRowId === null ? stats.ok : Math.min(stats.ok, stats.predicted);
  return {
    total: stats.total,
    indexed,
    failed: stats.failed,
    pending: stats.total - indexed - stats.failed,
    labelled: context.labels.labelledCount(),
  };
}

export function imageTiles(context: LibraryReadContext, page: ListPage): ImageTile[] {
  const classNames = context.model?.metadata.classNames ?? [];
  const lineage = classLineage(context.model?.metadata.labelSet ?? null, classNames.length);
  return page.items.map((item) => ({
    id: item.id,
    relPath: item.relPath,
    status: fromCatalogStatus(item.status),
    top1: item.top1 ? namedClass(context.model, item.top1) : null,
    errorKind: item.errorKind === null ? null : isErrorKind(item.errorKind) ? item.errorKind : 'Internal',
    label:
      item.label === null
        ? null
        : {
            label: item.label,
            rank: item.labelRank ?? 'species',
            source: item.labelSource ?? 'manual',
            disagrees: labelDisagrees(item.label, item.top1?.index ?? null, classNames, lineage),
          },
  }));
}

/** @throws FieldmarkError NotFound for an id not in this library */
export function imageDetails(context: LibraryReadContext, id: number): ImageDetails {
  const details = context.catalog.imageDetails(id, context.modelRowId);
  if (!details || details.libraryId !== context.libraryId)
    throw new FieldmarkError('NotFound', `image ${id} is not in the library ${context.root}`);
  return {
    id: details.id,
    relPath: details.relPath,
    status: fromCatalogStatus(details.status),
    sizeBytes: details.size,
    modifiedAt: new Date(details.mtimeMs).toISOString(),
    width: details.width,
    height: details.height,
    takenAt: details.takenAt,
    camera: details.camera,
    topk: (details.prediction?.topk ?? []).map((entry) => namedClass(context.model, entry)),
    label: labelOf(context, details.id),
    error:
      details.errorKind === null
        ? null
        : {
            kind: isErrorKind(details.errorKind) ? details.errorKind : 'Internal',
            message: details.errorMessage ?? details.errorKind,
          },
  };
}

function labelOf(context: LibraryReadContext, imageId: number): ImageDetails['label'] {
  const record = context.labels.labelOf(imageId);
  if (!record) return null;
  const top1 =
    context.modelRowId === null ? undefined : context.catalog.top1Of(context.modelRowId, [imageId]).get(imageId);
  const classNames = context.model?.metadata.classNames ?? [];
  const disagrees = labelDisagrees(
    record.label,
    top1 ?? null,
    classNames,
    classLineage(context.model?.metadata.labelSet ?? null, classNames.length),
  );
  return { label: record.label, rank: record.rank, source: record.source, updatedAt: record.updatedAt, disagrees };
}

/** The absolute path of a catalogued image: the only way the transports reach image files. */
export function imagePath(context: LibraryReadContext, id: number): string {
  const details = context.catalog.imageDetails(id, null);
  if (!details || details.libraryId !== context.libraryId)
    throw new FieldmarkError('NotFound', `image ${id} is not in the library ${context.root}`);
  const absolute = resolve(context.root, ...details.relPath.split('/'));
  // The catalog only holds paths the scanner found under the root; check anyway, so a corrupt
  // or hand-edited catalog can never make the app serve a file from outside the library.
  if (!absolute.startsWith(context.root.endsWith(sep) ? context.root : context.root + sep)) {
    throw new FieldmarkError(
      'CatalogCorrupt',
      `image ${id}: path ${details.relPath} leads outside the library ${context.root}`,
    );
  }
  return absolute;
}

export function failedImages(context: LibraryReadContext, limit: number): FailedImage[] {
  return context.catalog
    .failedImages(context.libraryId)
    .slice(0, limit)
    .map((row) => ({
      id: row.id,
      relPath: row.relPath,
      kind: isErrorKind(row.errorKind) ? row.errorKind : 'Internal',
      message: row.errorMessage,
    }));
}

export function classDistribution(context: LibraryReadContext): ClassCount[] {
  if (context.modelRowId === null) return [];
  const names = context.model?.metadata.classNames ?? [];
  return context.catalog.classCounts(context.libraryId, context.modelRowId).map((entry) => ({
    index: entry.classIndex,
    name: names[entry.classIndex] ?? `class ${entry.classIndex}`,
    count: entry.count,
  }));
}

export function confidenceHistogram(context: LibraryReadContext, bins: number): number[] {
  if (context.modelRowId === null) return new Array<number>(bins).fill(0);
  return context.catalog.confidenceHistogram(context.libraryId, context.modelRowId, bins);
}
