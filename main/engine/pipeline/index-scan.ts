/**
 * The scan stage of the indexing job: walk the library folder, reconcile the catalog with it,
 * register the model and list the images it has yet to see.
 */
import { walkLibrary, reconcileScan, sha256File } from '../scan/index.js';
import { FieldmarkError, toErrorData } from '../../util/errors.js';
import type { IndexEvent } from './events.js';
import type { QueuedImage } from './image-loader.js';
import type { IndexJobOptions } from './index-job.js';

export interface ScanOutcome {
  modelRow: number;
  /** Images of the library, processed or not. */
  total: number;
  /** New, changed (and, with retryFailed, failed) images, in processing order. */
  queue: QueuedImage[];
}

/** Scans, announces the model row as soon as it exists, then emits the 'scan' event. */
export async function scanForIndexJob(
  options: Pick<IndexJobOptions, 'catalog' | 'libraryId' | 'libraryRoot' | 'model' | 'retryFailed'>,
  emit: (event: IndexEvent) => void,
  announceModelRow: (id: number) => void,
): Promise<ScanOutcome> {
  const { catalog, libraryId, libraryRoot, model } = options;
  const unreadable: string[] = [];
  const walked = await walkLibrary(libraryRoot, (problem) => {
    unreadable.push(problem.relPath);
    emit({ type: 'scan-problem', path: problem.relPath, kind: problem.kind, message: problem.message });
  });
  // Files under an unreadable folder are kept, not deleted: an unmounted or locked folder must not empty the catalog.
  const scan = await reconcileScan(catalog, libraryId, walked, { unreadable });
  if (options.retryFailed) catalog.retryFailed(libraryId);
  const modelRow = catalog.ensureModel({
    id: model.metadata.id,
    fileSha256: await sha256OfModel(model.path),
    metadataJson: JSON.stringify(model.metadata),
    classCount: model.metadata.classNames.length,
    featureDim: model.metadata.featureDim,
  });
  announceModelRow(modelRow);
  const total = catalog.stats(libraryId, modelRow).total;
  emit({ type: 'scan', summary: scan, total });

  const queue: QueuedImage[] = catalog
    .imagesToProcess(libraryId, modelRow)
    .map((row) => ({ id: row.id, relPath: row.relPath }));
  return { modelRow, total, queue };
}

async function sha256OfModel(path: string): Promise<string> {
  try {
    return await sha256File(path);
  } catch (error) {
    throw new FieldmarkError('ModelMissing', `cannot read model file ${path}: ${toErrorData(error).message}`);
  }
}
