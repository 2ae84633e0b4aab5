/**
 * The engine side of the models page, the model banner, the folder tree and the folder browser
 * (issue 13). Downloads and imports run in worker threads (model-installs.ts); the library's model
 * file is watched so that its disappearance reaches the screen as a banner with the fix.
 */
import { rm } from 'node:fs/promises';
import type { AppEvent } from '../contract/events.js';
import type { ModelProblem } from '../contract/model-types.js';
import type { RequestHandlers } from '../contract/requests.js';
import type { Settings } from '../contract/types.js';
import { folderCounts } from '../engine/catalog/folder-counts.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import { installedModelPath, modelsCacheDir } from '../zoo/fetch/model-cache.js';
import { requireRegistryEntry } from '../zoo/fetch/registry.js';
import { browseFolder } from './folder-browser.js';
import type { LibrarySession } from './library-session.js';
import { describeModelProblem, downloadIdIn, modelFixFor } from './model-fix.js';
import { ModelInstalls } from './model-installs.js';
import type { ModelProvider } from './model-resolver.js';
import { modelRows } from './model-rows.js';
import { ModelWatch } from './model-watch.js';

type ModelHandlerNames =
  | 'models.rows'
  | 'models.problem'
  | 'models.download'
  | 'models.cancelDownload'
  | 'models.import'
  | 'models.use'
  | 'models.remove'
  | 'library.folders'
  | 'library.browse';

export interface ModelServiceDeps {
  session: () => LibrarySession | null;
  emit: (event: AppEvent) => void;
  env: NodeJS.ProcessEnv;
  models: ModelProvider;
  settings: () => Settings;
  useModel: (id: string) => Promise<Settings>;
  /** Starts indexing again (the banner's fix worked: the model was downloaded or came back). */
  restart: () => Promise<unknown>;
  log?: (message: string) => void;
}

const PROBLEM_KINDS = new Set<ModelProblem['kind']>(['ModelMissing', 'ModelInvalid', 'InvalidArgument', 'ReadFailed']);

export class ModelService {
  private readonly installs: ModelInstalls;
  private readonly watch: ModelWatch;
  private problem: ModelProblem | null = null;
  readonly handlers: Pick<RequestHandlers, ModelHandlerNames>;

  constructor(private readonly deps: ModelServiceDeps) {
    this.installs = new ModelInstalls(() => this.publishRows());
    this.watch = new ModelWatch((path, gone) => {
      if (gone)
        this.reportProblem(
          this.currentModelName() ?? path,
          new FieldmarkError(
            'ModelMissing',
            `model file ${path} does not exist any more (deleted or moved while the app ran)`,
          ),
        );
      else {
        this.publishRows();
        if (this.problem) this.retry();
      }
    });
    this.handlers = this.createHandlers();
  }

  /** The banner's current problem (null: none). */
  currentProblem(): ModelProblem | null {
    return this.problem;
  }

  /**
   * Turns a failure to resolve or read the library's model into the banner (and the log);
   * @returns whether it was a model problem.
   */
  reportProblem(model: string, error: unknown): boolean {
    const data = toErrorData(error);
    if (!PROBLEM_KINDS.has(data.kind as ModelProblem['kind'])) return false;
    const fix = modelFixFor(data.kind, data.message);
    this.problem = {
      kind: data.kind as ModelProblem['kind'],
      model,
      message: describeModelProblem(model, data.kind, data.message),
      fix,
      downloadId: fix === 'download' ? downloadIdIn(data.message) : null,
    };
    this.deps.log?.(`fieldmark: ${this.problem.kind}: ${this.problem.message}`);
    this.deps.emit({ type: 'model.problem', problem: this.problem });
    return true;
  }

  /** The model resolved and runs: clear the banner and watch its file. */
  modelInUse(path: string | null): void {
    this.watch.watch(path);
    if (this.problem) {
      this.problem = null;
      this.deps.emit({ type: 'model.problem', problem: null });
    }
  }

  async close(): Promise<void> {
    this.watch.stop();
    await this.installs.close();
  }

  private retry(): void {
    this.deps.restart().catch((error: unknown) => this.deps.emit({ type: 'error', error: toErrorData(error) }));
  }

  private currentModelName(): string | null {
    return this.deps.settings().modelId ?? this.deps.session()?.info().model?.id ?? null;
  }

  private async rows() {
    const local = await this.deps.models.list();
    return modelRows({
      env: this.deps.env,
      local,
      installs: this.installs,
      current: this.deps.session()?.info().model?.id ?? null,
    });
  }

  private publishRows(): void {
    this.rows().then(
      (rows) => this.deps.emit({ type: 'models.changed', rows }),
      (error: unknown) => this.deps.emit({ type: 'error', error: toErrorData(error) }),
    );
  }

  private createHandlers(): Pick<RequestHandlers, ModelHandlerNames> {
    return {
      'models.rows': () => this.rows(),
      'models.problem': () => this.problem,
      'models.download': async ({ id }) => {
        await requireRegistryEntry(id, this.deps.env); // an unknown id is refused now, not in the worker
        void this.installs.download(id, this.deps.env).then(() => {
          const failed = this.installs.stateOf(id);
          if (failed?.error)
            this.deps.emit({
              type: 'error',
              error: { kind: 'DownloadFailed', message: `model ${id}: ${failed.error}` },
            });
          else if (this.problem?.downloadId === id) this.retry();
        });
        return this.rows();
      },
      'models.cancelDownload': ({ id }) => {
        this.installs.cancel(id);
        return this.rows();
      },
      'models.import': async ({ path, like }) => this.installs.import(path, like, this.deps.env),
      'models.use': ({ id }) => this.deps.useModel(id),
      'models.remove': async ({ id }) => {
        const entry = await requireRegistryEntry(id, this.deps.env);
        if (this.deps.session()?.info().model?.id === entry.id)
          throw new FieldmarkError(
            'InvalidArgument',
            `model ${entry.id} is the library's model: choose another model before removing it`,
          );
        await rm(installedModelPath(modelsCacheDir(this.deps.env), entry.id), { force: true });
        this.publishRows();
        return this.rows();
      },
      'library.folders': () => {
        const session = this.deps.session();
        if (!session) return [];
        const context = session.learningContext();
        return folderCounts(context.catalog, context.libraryId);
      },
      'library.browse': ({ path }) => browseFolder(path),
    };
  }
}
