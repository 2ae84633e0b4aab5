/**
 * One open library: its catalog, the model it is indexed with, the running indexing job, and
 * the read queries the UI makes. Turns the job's events into contract events (top-1 names,
 * throttled status and stats) and catalog rows into contract shapes.
 *
 * This file holds the session's state and its indexing side (start, rerun, pause, stop); the
 * reading side is in library-reads.ts, the translation of job events in index-event-translation.ts.
 */
import { basename } from 'node:path';
import type { AppEvent } from '../contract/events.js';
import type {
  ClassCount,
  ClassInfo,
  FailedImage,
  ImageDetails,
  ImageFilterQuery,
  ImagePage,
  ImageQuery,
  IndexingStatus,
  LibraryInfo,
  LibraryStats,
  Settings,
  TopClass,
} from '../contract/types.js';
import type { ListImagesQuery, TopKEntry } from '../engine/catalog/types.js';
import { openLibrary, type OpenLibrary } from '../engine/library.js';
import type { IndexEvent } from '../engine/pipeline/events.js';
import { startIndexJob, type IndexJob } from '../engine/pipeline/index-job.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import { IDLE_STATUS, applyIndexEvent, isTerminal } from './indexing-status.js';
import { summarizeModel, type ResolvedModel } from './model-resolver.js';
import { throttleLatest, type Throttled } from './throttle.js';
import { LabelService } from './label-service.js';
import { catalogListQuery } from './list-query.js';
import { SimilarityService } from './similarity-service.js';
import { LibrarySync } from './library-sync.js';
import { ImagePager, type ListPage } from './image-pager.js';
import { ListReader } from './list-reader.js';
import {
  classDistribution,
  confidenceHistogram,
  failedImages,
  imageDetails,
  imagePath,
  imageTiles,
  libraryStats,
  namedClass,
  type LibraryReadContext,
} from './library-reads.js';
import { translateIndexEvent } from './index-event-translation.js';

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
  /** The grid's list queries, on a read-only connection, by index walks (image-pager.ts, issue 12). */
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

  /** What training, evaluation and propagation work on (learning-handlers.ts): the reading side's view. */
  learningContext(): Omit<LibraryReadContext, 'labels'> {
    return this.readContext();
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
    return libraryStats(this.readContext());
  }

  classes(): ClassInfo[] {
    return (this.model?.metadata.classNames ?? []).map((name, index) => ({ index, name }));
  }

  listImages(query: ImageQuery): ImagePage {
    if (query.ids)
      return this.toImagePage(this.pager.pageOfIds(query.ids, this.modelRowId, query.offset, query.limit), query);
    return this.toImagePage(this.pager.page(this.catalogQuery(query), query.offset, query.limit), query);
  }

  /** The grid's page, read in the list-reader thread (never behind a write of this one; list-reader.ts). */
  async readImages(query: ImageQuery): Promise<ImagePage> {
    // A fixed id list is a page of primary-key lookups: cheap enough for this thread.
    if (query.ids) return this.listImages(query);
    return this.toImagePage(await this.reader.page(this.catalogQuery(query), query.offset, query.limit), query);
  }

  private toImagePage(page: ListPage, query: ImageQuery): ImagePage {
    return { total: page.total, offset: query.offset, items: imageTiles(this.readContext(), page) };
  }

  /** Every id the filter shows, in its order (select all). */
  listImageIds(query: ImageFilterQuery): number[] {
    if (query.ids) return [...query.ids];
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
    return imageDetails(this.readContext(), id);
  }

  /** The absolute path of a catalogued image: the only way the transports reach image files. */
  imagePath(id: number): string {
    return imagePath(this.readContext(), id);
  }

  failedImages(limit: number): FailedImage[] {
    return failedImages(this.readContext(), limit);
  }

  classDistribution(): ClassCount[] {
    return classDistribution(this.readContext());
  }

  confidenceHistogram(bins: number): number[] {
    return confidenceHistogram(this.readContext(), bins);
  }

  /** What the reading side (library-reads.ts) works on, as of now. */
  private readContext(): LibraryReadContext {
    return {
      catalog: this.library.catalog,
      libraryId: this.library.libraryId,
      root: this.library.root,
      model: this.model,
      modelRowId: this.modelRowId,
      labels: this.labels.store,
    };
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
    const translated = translateIndexEvent(event, (entry) => this.named(entry));
    if (translated.event) this.emit(translated.event);
    if (event.type === 'features') this.similarity.addFeatures(event.imageIds, event.vectors);
    if (translated.stats) this.statsOut.push(null);
    if (translated.stats === 'flush') this.statsOut.flush();
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
    return namedClass(this.model, entry);
  }
}
