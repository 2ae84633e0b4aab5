/**
 * One open library: its catalog, the model it is indexed with, the running indexing job, and
 * the read queries the UI makes. Turns the job's events into contract events (top-1 names,
 * throttled status and stats) and catalog rows into contract shapes.
 */
import { basename, resolve, sep } from 'node:path';
import type { AppEvent } from '../contract/events.js';
import type {
  ClassCount,
  ClassInfo,
  FailedImage,
  ImageDetails,
  ImageFilterQuery,
  ImagePage,
  ImageQuery,
  ImageStatus,
  ImageTile,
  IndexingStatus,
  LibraryInfo,
  LibraryStats,
  Settings,
  TopClass,
} from '../contract/types.js';
import type { ImageStatus as CatalogStatus, ListImagesQuery, TopKEntry } from '../engine/catalog/types.js';
import { openLibrary, type OpenLibrary } from '../engine/library.js';
import type { IndexEvent } from '../engine/pipeline/events.js';
import { startIndexJob, type IndexJob } from '../engine/pipeline/index-job.js';
import { FieldmarkError, isErrorKind, toErrorData } from '../util/errors.js';
import { IDLE_STATUS, applyIndexEvent, isTerminal } from './indexing-status.js';
import { summarizeModel, type ResolvedModel } from './model-resolver.js';
import { throttleLatest, type Throttled } from './throttle.js';
import { LabelService } from './label-service.js';
import { catalogListQuery, classLineage, labelDisagrees } from './list-query.js';
import { SimilarityService } from './similarity-service.js';
import { LibrarySync } from './library-sync.js';
import { ImagePager, type ListPage } from './image-pager.js';
import { ListReader } from './list-reader.js';

/** Top-k stored per image; the detail panel shows five. */
const TOP_K = 5;
const STATUS_INTERVAL_MS = 150;

export class LibrarySession {
  private job: IndexJob | null = null;
  private modelRowId: number | null = null;
  private status: IndexingStatus = IDLE_STATUS;
  private readonly statusOut: Throttled<IndexingStatus>;
  private readonly statsOut: Throttled<null>;
  private closed = false;
  /** The model and settings of the last start: what a change in the folder is indexed with. */
  private lastRun: { model: ResolvedModel; settings: Settings } | null = null;
  /** Watches the folder from opening on, and reruns indexing on changes once it has started (library-sync.ts). */
  private readonly sync: LibrarySync;
  /** Labelling of this library: the store, its undo history and the `labels.changed` events. */
  readonly labels: LabelService;
  /** The grid's list queries, on a read-only connection with cached id lists (image-pager.ts, issue 12). */
  private readonly pager: ImagePager;
  private readonly reader: ListReader;
  /** Find similar, near-duplicates and the map of this library, in a worker thread (opened on first use). */
  readonly similarity = new SimilarityService(() => ({
    catalogPath: this.library.catalogPath,
    libraryId: this.library.libraryId,
    modelRowId: this.modelRowId,
    model: this.model,
  }));

  private constructor(
    private readonly library: OpenLibrary,
    private model: ResolvedModel | null,
    private readonly emit: (event: AppEvent) => void,
  ) {
    this.statusOut = throttleLatest((status) => this.emit({ type: 'indexing', status }), STATUS_INTERVAL_MS);
    this.statsOut = throttleLatest(() => this.emitStats(), STATUS_INTERVAL_MS * 2);
    this.pager = new ImagePager(library.catalog, (message) =>
      this.emit({ type: 'error', error: { kind: 'CatalogReadOnly', message } }),
    );
    this.reader = new ListReader(library.catalog.file, this.pager, (message) =>
      this.emit({ type: 'error', error: { kind: 'Internal', message } }),
    );
    this.labels = new LabelService({
      catalog: library.catalog,
      libraryId: library.libraryId,
      root: library.root,
      model: () =>
        this.model
          ? {
              classNames: this.model.metadata.classNames,
              labelSet: this.model.metadata.labelSet,
              modelRowId: this.modelRowId,
              id: this.model.metadata.id,
            }
          : null,
      emit: (event) => this.emit(event),
    });
    this.sync = new LibrarySync({
      root: library.root,
      catalogPath: library.catalogPath,
      rerun: () => this.rerunIndexing(),
      onProblem: (error) => this.emit({ type: 'error', error }),
    });
  }

  /** @throws FieldmarkError NotFound / InvalidArgument for a bad folder, CatalogCorrupt for a bad catalog */
  static async open(
    root: string,
    options: { dbPath?: string; env: NodeJS.ProcessEnv },
    emit: (event: AppEvent) => void,
  ): Promise<LibrarySession> {
    const library = await openLibrary(root, {
      ...(options.dbPath ? { dbPath: options.dbPath } : {}),
      env: options.env,
    });
    const session = new LibrarySession(library, null, emit);
    await session.sync.start();
    return session;
  }

  get root(): string {
    return this.library.root;
  }

  info(): LibraryInfo {
    return {
      libraryId: this.library.libraryId,
      root: this.library.root,
      name: basename(this.library.root) || this.library.root,
      catalogPath: this.library.catalogPath,
      model: this.model ? summarizeModel(this.model) : null,
    };
  }

  indexingStatus(): IndexingStatus {
    return this.status;
  }

  /** What training, evaluation and propagation work on (learning-handlers.ts). */
  learningContext(): {
    catalog: OpenLibrary['catalog'];
    libraryId: number;
    root: string;
    model: ResolvedModel | null;
    modelRowId: number | null;
  } {
    return {
      catalog: this.library.catalog,
      libraryId: this.library.libraryId,
      root: this.library.root,
      model: this.model,
      modelRowId: this.modelRowId,
    };
  }

  /**
   * The catalog row of `model` from an earlier run, so saved predictions show at once instead of
   * after the rescan (~3 s for 100k files). The job confirms it (same row: models are upserted by
   * id) once it has hashed the file; if the weights changed, their old results are dropped then.
   */
  private savedModelRow(model: ResolvedModel): number | null {
    const { metadata } = model;
    const row = this.library.catalog
      .listModels()
      .find(
        (m) =>
          m.id === metadata.id && m.classCount === metadata.classNames.length && m.featureDim === metadata.featureDim,
      );
    return row?.rowId ?? null;
  }

  /** Starts scanning and indexing with `model`; a running job is returned as is. */
  startIndexing(model: ResolvedModel, settings: Settings): IndexingStatus {
    if (this.closed) throw new FieldmarkError('InvalidArgument', `library ${this.root} is closed`);
    if (this.job && !isTerminal(this.status.state)) return this.status;
    if (this.model?.path !== model.path) this.modelRowId = this.savedModelRow(model);
    this.model = model;
    this.lastRun = { model, settings };
    this.setStatus({ ...IDLE_STATUS, state: 'scanning' }, true);
    const job = startIndexJob(
      {
        catalog: this.library.catalog,
        libraryId: this.library.libraryId,
        libraryRoot: this.library.root,
        model: { path: model.path, metadata: model.metadata },
        device: settings.device,
        batchSize: settings.batchSize,
        ...(settings.threads === null ? {} : { threads: settings.threads }),
        topK: TOP_K,
      },
      (event) => this.onIndexEvent(job, event),
    );
    this.job = job;
    job.modelRowId.then(
      (id) => {
        if (this.job === job) this.modelRowId = id;
      },
      () => undefined, // reported through `done`
    );
    job.done.then(
      () => this.statsOut.flush(),
      (error: unknown) => {
        if (this.job !== job || this.closed) return;
        const data = toErrorData(error);
        this.setStatus({ ...this.status, state: 'failed', message: data.message }, true);
        this.emit({ type: 'error', error: data });
      },
    );
    return this.status;
  }

  /**
   * Indexes what changed in the folder, after the job going on (if any) ends. A library whose
   * indexing the user cancelled stays as it is until they start it again.
   */
  private async rerunIndexing(): Promise<void> {
    for (let job = this.job; job && !isTerminal(this.status.state); job = this.job) {
      await job.done.catch(() => undefined); // its failure was already reported as an event
      if (this.job === job) break; // ended; its last state event may have been dropped (closing)
    }
    if (this.closed || !this.lastRun || this.status.state === 'cancelled') return;
    this.startIndexing(this.lastRun.model, this.lastRun.settings);
    await this.job?.done.catch(() => undefined); // failures are reported as events by startIndexing
  }

  /** Stops the running job, if any, and waits for it to save what it has. */
  async stopIndexing(): Promise<void> {
    const job = this.job;
    if (!job) return;
    job.cancel();
    await job.done.catch(() => undefined); // its failure was already reported as an event
  }

  pause(): IndexingStatus {
    if (this.job && (this.status.state === 'running' || this.status.state === 'scanning')) this.job.pause();
    return this.status;
  }

  resume(): IndexingStatus {
    if (this.job && this.status.state === 'paused') this.job.resume();
    return this.status;
  }

  cancel(): IndexingStatus {
    if (this.job && !isTerminal(this.status.state)) this.job.cancel();
    return this.status;
  }

  stats(): LibraryStats {
    const stats = this.library.catalog.stats(this.library.libraryId, this.modelRowId);
    // "Indexed" means predicted by the library's model: after a model change the images wait again.
    // One snapshot, so total = indexed + failed + pending holds in every event (missing images are in none).
    const indexed = this.modelRowId === null ? stats.ok : Math.min(stats.ok, stats.predicted);
    return {
      total: stats.total,
      indexed,
      failed: stats.failed,
      pending: stats.total - indexed - stats.failed,
      labelled: this.labels.store.labelledCount(),
    };
  }

  classes(): ClassInfo[] {
    return (this.model?.metadata.classNames ?? []).map((name, index) => ({ index, name }));
  }

  listImages(query: ImageQuery): ImagePage {
    return this.toImagePage(this.pager.page(this.catalogQuery(query), query.offset, query.limit), query);
  }

  /** The grid's page, read in the list-reader thread (never behind a write of this one; list-reader.ts). */
  async readImages(query: ImageQuery): Promise<ImagePage> {
    return this.toImagePage(await this.reader.page(this.catalogQuery(query), query.offset, query.limit), query);
  }

  private toImagePage(page: ListPage, query: ImageQuery): ImagePage {
    const classNames = this.model?.metadata.classNames ?? [];
    const lineage = classLineage(this.model?.metadata.labelSet ?? null, classNames.length);
    const items: ImageTile[] = page.items.map((item) => ({
      id: item.id,
      relPath: item.relPath,
      status: fromCatalogStatus(item.status),
      top1: item.top1 ? this.named(item.top1) : null,
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
    return { total: page.total, offset: query.offset, items };
  }

  /** Every id the filter shows, in its order (select all). */
  listImageIds(query: ImageFilterQuery): number[] {
    return this.pager.ids(this.catalogQuery(query));
  }

  private catalogQuery(query: ImageFilterQuery): ListImagesQuery {
    return catalogListQuery(query, {
      libraryId: this.library.libraryId,
      modelRowId: this.modelRowId,
      labelSet: this.model?.metadata.labelSet ?? null,
      classNames: this.model?.metadata.classNames ?? [],
    });
  }

  /** @throws FieldmarkError NotFound for an id not in this library */
  imageDetails(id: number): ImageDetails {
    const details = this.library.catalog.imageDetails(id, this.modelRowId);
    if (!details || details.libraryId !== this.library.libraryId)
      throw new FieldmarkError('NotFound', `image ${id} is not in the library ${this.root}`);
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
      topk: (details.prediction?.topk ?? []).map((entry) => this.named(entry)),
      label: this.labelOf(details.id),
      error:
        details.errorKind === null
          ? null
          : {
              kind: isErrorKind(details.errorKind) ? details.errorKind : 'Internal',
              message: details.errorMessage ?? details.errorKind,
            },
    };
  }

  private labelOf(imageId: number): ImageDetails['label'] {
    const record = this.labels.store.labelOf(imageId);
    if (!record) return null;
    const top1 =
      this.modelRowId === null ? undefined : this.library.catalog.top1Of(this.modelRowId, [imageId]).get(imageId);
    const classNames = this.model?.metadata.classNames ?? [];
    const disagrees = labelDisagrees(
      record.label,
      top1 ?? null,
      classNames,
      classLineage(this.model?.metadata.labelSet ?? null, classNames.length),
    );
    return { label: record.label, rank: record.rank, source: record.source, updatedAt: record.updatedAt, disagrees };
  }

  /** The absolute path of a catalogued image: the only way the transports reach image files. */
  imagePath(id: number): string {
    const details = this.library.catalog.imageDetails(id, null);
    if (!details || details.libraryId !== this.library.libraryId)
      throw new FieldmarkError('NotFound', `image ${id} is not in the library ${this.root}`);
    const absolute = resolve(this.library.root, ...details.relPath.split('/'));
    // The catalog only holds paths the scanner found under the root; check anyway, so a corrupt
    // or hand-edited catalog can never make the app serve a file from outside the library.
    if (!absolute.startsWith(this.library.root.endsWith(sep) ? this.library.root : this.library.root + sep)) {
      throw new FieldmarkError(
        'CatalogCorrupt',
        `image ${id}: path ${details.relPath} leads outside the library ${this.root}`,
      );
    }
    return absolute;
  }

  failedImages(limit: number): FailedImage[] {
    return this.library.catalog
      .failedImages(this.library.libraryId)
      .slice(0, limit)
      .map((row) => ({
        id: row.id,
        relPath: row.relPath,
        kind: isErrorKind(row.errorKind) ? row.errorKind : 'Internal',
        message: row.errorMessage,
      }));
  }

  classDistribution(): ClassCount[] {
    if (this.modelRowId === null) return [];
    const names = this.model?.metadata.classNames ?? [];
    return this.library.catalog.classCounts(this.library.libraryId, this.modelRowId).map((entry) => ({
      index: entry.classIndex,
      name: names[entry.classIndex] ?? `class ${entry.classIndex}`,
      count: entry.count,
    }));
  }

  confidenceHistogram(bins: number): number[] {
    if (this.modelRowId === null) return new Array<number>(bins).fill(0);
    return this.library.catalog.confidenceHistogram(this.library.libraryId, this.modelRowId, bins);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sync.close();
    await this.stopIndexing();
    await this.similarity.close();
    this.statusOut.cancel();
    this.statsOut.cancel();
    await this.reader.close();
    this.pager.close();
    this.library.catalog.close();
  }

  private onIndexEvent(job: IndexJob, event: IndexEvent): void {
    if (this.job !== job || this.closed) return;
    const next = applyIndexEvent(this.status, event);
    if (next !== this.status) this.setStatus(next, event.type === 'state' || event.type === 'started');
    switch (event.type) {
      case 'predictions':
        this.emit({
          type: 'predictions',
          items: event.items.flatMap((item) =>
            item.topk[0] ? [{ imageId: item.imageId, relPath: item.relPath, top1: this.named(item.topk[0]) }] : [],
          ),
        });
        this.statsOut.push(null);
        break;
      case 'features':
        this.emit({ type: 'features', batch: { imageIds: event.imageIds, dim: event.dim, vectors: event.vectors } });
        this.similarity.addFeatures(event.imageIds, event.vectors);
        break;
      case 'image-error':
        this.emit({
          type: 'image-error',
          imageId: event.imageId,
          relPath: event.relPath,
          kind: event.kind,
          message: event.message,
        });
        this.statsOut.push(null);
        break;
      case 'scan':
      case 'state':
        this.statsOut.push(null);
        if (event.type === 'state' && isTerminal(event.state)) this.statsOut.flush();
        break;
      default:
        break;
    }
  }

  private setStatus(status: IndexingStatus, immediately: boolean): void {
    this.status = status;
    this.statusOut.push(status);
    if (immediately) this.statusOut.flush();
  }

  private emitStats(): void {
    if (this.closed) return;
    try {
      this.emit({ type: 'stats', stats: this.stats() });
    } catch (error) {
      this.emit({ type: 'error', error: toErrorData(error) });
    }
  }

  private named(entry: TopKEntry): TopClass {
    const name = this.model?.metadata.classNames[entry.index] ?? `class ${entry.index}`;
    return { index: entry.index, name, prob: entry.prob };
  }
}

function fromCatalogStatus(status: CatalogStatus): ImageStatus {
  return status === 'ok' ? 'indexed' : status;
}
