/**
 * The engine side of the contract, shared by the Electron app and `serve`: holds the settings,
 * the open library session and the thumbnail cache, implements every request handler, and fans
 * events out to the transports' listeners. Transport-specific bits (the folder dialog) come in
 * as options, so this module never imports electron.
 */
import { join } from 'node:path';
import type { AppEvent, AppEventListener } from '../contract/events.js';
import type { RequestHandlers } from '../contract/requests.js';
import type { IndexingStatus, LibraryInfo, Settings } from '../contract/types.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import type { AppPaths } from '../util/app-paths.js';
import { ImageRenditions, type Rendition, type RenditionKind } from './image-renditions.js';
import { IDLE_STATUS } from './indexing-status.js';
import { LibrarySession } from './library-session.js';
import { createLabelHandlers } from './label-handlers.js';
import { createSimilarityHandlers, type TrashFiles } from './similarity-handlers.js';
import { createQuantizeHandlers } from './quantize-handlers.js';
import { createLearningHandlers } from './learning-handlers.js';
import type { ModelProvider } from './model-resolver.js';
import { SettingsStore } from './settings-store.js';
import { ModelService } from './model-handlers.js';
import { useIndexingSharpThreads } from '../engine/preprocess/sharp-threads.js';

export interface AppServiceOptions {
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  version: string;
  transport: 'electron' | 'web';
  models: ModelProvider;
  /** Shows a native folder dialog; absent where there is none (the browser). */
  pickFolder?: () => Promise<string | null>;
  /** Moves files to the OS trash (the desktop app); absent in `serve`, which only reports duplicates. */
  trashFiles?: TrashFiles;
  /** Settings that apply to this run only (CLI flags), on top of the saved ones. */
  overrides?: Partial<Settings>;
  /** Catalog file for the first library opened (serve --db). */
  dbPath?: string;
  log?: (message: string) => void;
}

export class AppService {
  readonly settingsStore: SettingsStore;
  private readonly renditions: ImageRenditions;
  private readonly listeners = new Set<AppEventListener>();
  private session: LibrarySession | null = null;
  private overrides: Partial<Settings>;
  private dbPathForFirstLibrary: string | undefined;
  private opening: Promise<unknown> = Promise.resolve();
  readonly handlers: RequestHandlers;
  /** Models page, model banner, folder tree and folder browser (issue 13). */
  private readonly modelService: ModelService;

  constructor(private readonly options: AppServiceOptions) {
    // The same libvips threading as the CLI: without it the app indexed ~25% slower (bench:frontends).
    useIndexingSharpThreads();
    this.settingsStore = new SettingsStore(options.paths.userDataDir, options.log);
    this.renditions = new ImageRenditions(join(options.paths.cacheDir, 'images'), () =>
      this.session?.indexingStatus().state === 'running' ? 1 : 2,
    );
    this.overrides = { ...options.overrides };
    this.dbPathForFirstLibrary = options.dbPath;
    this.modelService = new ModelService({
      session: () => this.session,
      emit: (event) => this.emit(event),
      env: options.env,
      models: options.models,
      settings: () => this.settings(),
      useModel: (id) => this.updateSettings({ modelId: id }),
      restart: async () => (this.session ? this.startIndexing() : null),
      ...(options.log ? { log: options.log } : {}),
    });
    this.handlers = this.createHandlers();
  }

  onEvent(listener: AppEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  settings(): Settings {
    return { ...this.settingsStore.settings, ...this.overrides };
  }

  get currentLibrary(): LibraryInfo | null {
    return this.session?.info() ?? null;
  }

  indexingStatus(): IndexingStatus {
    return this.session?.indexingStatus() ?? IDLE_STATUS;
  }

  /**
   * Opens `root` as the library (closing the previous one) and starts indexing it.
   * @throws FieldmarkError NotFound / InvalidArgument / CatalogCorrupt
   */
  openLibrary(root: string): Promise<LibraryInfo> {
    // One open at a time: interleaved, the first would go on with a session the second had closed.
    const opening = this.opening.then(() => this.openLibraryNow(root));
    this.opening = opening.catch(() => undefined); // its caller sees the failure; the next open still runs
    return opening;
  }

  private async openLibraryNow(root: string): Promise<LibraryInfo> {
    const dbPath = this.dbPathForFirstLibrary;
    const session = await LibrarySession.open(root, { ...(dbPath ? { dbPath } : {}), env: this.options.env }, (event) =>
      this.emit(event),
    );
    this.dbPathForFirstLibrary = undefined;
    const previous = this.session;
    this.session = session;
    await previous?.close();
    this.settingsStore.rememberLibrary(session.root);
    this.emit({ type: 'library-opened', library: session.info() });
    await this.startIndexing();
    const info = session.info();
    this.emit({ type: 'library-opened', library: info });
    this.emit({ type: 'stats', stats: session.stats() });
    return info;
  }

  /** Resolves the chosen model and starts the job; a model problem becomes a failed status, not a throw. */
  async startIndexing(): Promise<IndexingStatus> {
    const session = this.requireSession();
    const settings = this.settings();
    let model;
    try {
      model = await this.options.models.resolve(settings.modelId);
    } catch (error) {
      const data = toErrorData(error);
      // A model problem is the banner over the grid (with its fix); anything else a toast.
      if (!this.modelService.reportProblem(settings.modelId ?? 'the default model', error))
        this.emit({ type: 'error', error: data });
      const failed: IndexingStatus = { ...IDLE_STATUS, state: 'failed', message: data.message };
      this.emit({ type: 'indexing', status: failed });
      return failed;
    }
    this.modelService.modelInUse(model.path);
    return session.startIndexing(model, settings);
  }

  /** The cached thumbnail or preview of a catalogued image. @throws FieldmarkError NotFound / DecodeFailed */
  async rendition(imageId: number, kind: RenditionKind): Promise<Rendition> {
    return this.renditions.get(this.requireSession().imagePath(imageId), kind);
  }

  async close(): Promise<void> {
    // An open in flight would otherwise install its session (and start its job) after this close.
    await this.opening;
    const session = this.session;
    this.session = null;
    await this.modelService.close();
    await session?.close();
    this.listeners.clear();
  }

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log?.(`fieldmark: an event listener failed on ${event.type}: ${toErrorData(error).message}`);
      }
    }
  }

  private requireSession(): LibrarySession {
    if (!this.session) throw new FieldmarkError('NotFound', 'no library is open: open a folder first');
    return this.session;
  }

  private async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const before = this.settings();
    for (const key of Object.keys(patch) as (keyof Settings)[]) delete this.overrides[key];
    this.settingsStore.update(patch);
    const after = this.settings();
    this.emit({ type: 'settings', settings: after });
    // A new model means new predictions for every image: restart the job with it.
    if (this.session && after.modelId !== before.modelId) {
      await this.session.stopIndexing();
      await this.startIndexing();
      this.emit({ type: 'library-opened', library: this.session.info() });
    }
    return after;
  }

  private createHandlers(): RequestHandlers {
    return {
      'app.info': () => ({
        version: this.options.version,
        transport: this.options.transport,
        canPickFolder: this.options.pickFolder !== undefined,
        platform: process.platform,
      }),
      'library.current': () => this.currentLibrary,
      'library.open': ({ root }) => this.openLibrary(root),
      'library.openDialog': async () => {
        if (!this.options.pickFolder)
          throw new FieldmarkError(
            'InvalidArgument',
            'library.openDialog: no folder dialog in a browser; use library.open with a path on the server',
          );
        const folder = await this.options.pickFolder();
        return folder === null ? null : this.openLibrary(folder);
      },
      'library.recent': () => this.settingsStore.recent,
      'library.stats': () => this.requireSession().stats(),
      'library.classes': () => this.session?.classes() ?? [],
      'images.list': (query) => this.requireSession().readImages(query),
      'images.ids': (query) => ({ ids: this.requireSession().listImageIds(query) }),
      'images.details': ({ id }) => this.requireSession().imageDetails(id),
      'images.failed': ({ limit }) => this.requireSession().failedImages(limit),
      'indexing.start': () => this.startIndexing(),
      'indexing.pause': () => this.requireSession().pause(),
      'indexing.resume': () => this.requireSession().resume(),
      'indexing.cancel': () => this.requireSession().cancel(),
      'indexing.status': () => this.indexingStatus(),
      'models.list': () => this.options.models.list(),
      'settings.get': () => this.settings(),
      'settings.update': (patch) => this.updateSettings(patch),
      'plots.classDistribution': () => this.session?.classDistribution() ?? [],
      'plots.confidenceHistogram': ({ bins }) =>
        this.session?.confidenceHistogram(bins) ?? new Array<number>(bins).fill(0),
      ...this.modelService.handlers,
      ...createLabelHandlers(() => this.requireSession()),
      ...createSimilarityHandlers(() => this.requireSession(), this.options.trashFiles),
      ...createQuantizeHandlers((event) => this.emit(event), this.options.env, this.options.log),
      ...createLearningHandlers({
        session: () => this.requireSession(),
        emit: (event) => this.emit(event),
        env: this.options.env,
        useModel: async (path) => void (await this.updateSettings({ modelId: path })),
        ...(this.options.log ? { log: this.options.log } : {}),
      }),
    };
  }
}
