/**
 * The learning requests on the engine side: "Train from my labels" (one job at a time, in the
 * training worker, progress as `training` events; the app then switches to the new model, whose
 * predictions are already in the catalog from the stored features), the evaluation of the current
 * model against the user's labels, and label propagation with bulk accept / reject.
 */
import { join } from 'node:path';
import type { AppEvent } from '../contract/events.js';
import { IDLE_TRAIN_STATUS, type EvaluationReport, type TrainStatus } from '../contract/learning-types.js';
import type { RequestHandlers } from '../contract/requests.js';
import { FieldmarkError, toErrorData } from '../util/errors.js';
import { trainedModelsDir } from '../zoo/fetch/trained-models.js';
import { LabelStore } from '../engine/labels/label-store.js';
import { trainModelFromLabels } from '../engine/learning/train-model.js';
import { evaluateLibrary, truthLabels } from '../engine/learning/evaluate-library.js';
import { findSuspects, propagateLabels, reviewSuggestions } from '../engine/learning/label-review.js';
import { classNamesAsLabels } from '../engine/learning/label-mapping.js';
import type { LibrarySession } from './library-session.js';

const PROGRESS_INTERVAL_MS = 200;

type LearningMethods =
  | 'learning.train'
  | 'learning.status'
  | 'learning.cancel'
  | 'learning.evaluate'
  | 'learning.suspects'
  | 'learning.propagate'
  | 'learning.reviewSuggestions';

export interface LearningHandlerOptions {
  session: () => LibrarySession;
  emit: (event: AppEvent) => void;
  env: NodeJS.ProcessEnv;
  /** Makes the trained model the current one (settings), which re-shows the grid with its predictions. */
  useModel: (path: string) => Promise<void>;
  log?: (message: string) => void;
}

function current(session: LibrarySession) {
  const context = session.learningContext();
  if (!context.model || context.modelRowId === null) {
    throw new FieldmarkError(
      'InvalidArgument',
      'expected a library indexed with a model; wait for indexing to start, then try again',
    );
  }
  return { ...context, model: context.model, modelRowId: context.modelRowId };
}

/** A file name for the trained model: the library's name and the time, as a model id allows. */
function trainedFileName(root: string): string {
  const name =
    (root.split(/[\\/]/).filter(Boolean).pop() ?? 'library').replace(/[^\w.-]+/g, '-').slice(0, 60) || 'library';
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${name}-${stamp}.onnx`;
}

export function createLearningHandlers(options: LearningHandlerOptions): Pick<RequestHandlers, LearningMethods> {
  let status: TrainStatus = IDLE_TRAIN_STATUS;
  let controller: AbortController | null = null;
  let lastEmit = 0;
  const update = (next: TrainStatus, force: boolean): void => {
    status = next;
    const now = Date.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    options.emit({ type: 'training', status });
  };
  const announceLabels = (session: LibrarySession): void => {
    const { catalog, libraryId } = session.learningContext();
    const store = new LabelStore(catalog, libraryId);
    options.emit({ type: 'labels.changed', imageIds: null, undo: store.undoState(), labelled: store.labelledCount() });
  };

  return {
    'learning.train': () => {
      if (status.state === 'running')
        throw new FieldmarkError(
          'InvalidArgument',
          'learning.train: expected no training running, received one still in progress',
        );
      const session = options.session();
      const context = current(session);
      const outPath = join(trainedModelsDir(options.env), trainedFileName(context.root));
      controller = new AbortController();
      update({ ...IDLE_TRAIN_STATUS, state: 'running', stage: 'training' }, true);
      trainModelFromLabels({
        catalog: context.catalog,
        libraryId: context.libraryId,
        base: { rowId: context.modelRowId, path: context.model.path, metadata: context.model.metadata },
        outPath,
        // In the app the new model's predictions show on every tile; labels stay the user's.
        applyLabels: false,
        signal: controller.signal,
        onProgress: (fraction, stage) => update({ ...status, fraction, stage }, false),
      })
        .then(async (trained) => {
          await options.useModel(trained.path);
          const outcome = {
            modelId: trained.id,
            path: trained.path,
            classNames: trained.classNames,
            trainingLabels: trained.trainingLabels,
            cvAccuracy: trained.cvAccuracy,
            predicted: trained.predicted,
            seconds: trained.seconds,
          };
          update({ state: 'done', fraction: 1, stage: 'done', outcome, error: null }, true);
        })
        .catch((error: unknown) => {
          options.log?.(`fieldmark: training failed: ${(error as Error).message}`);
          update({ ...status, state: 'failed', error: toErrorData(error) }, true);
        })
        .finally(() => {
          controller = null;
        });
      return status;
    },
    'learning.status': () => status,
    'learning.cancel': () => {
      controller?.abort();
      return status;
    },
    'learning.evaluate': (): EvaluationReport => {
      const context = current(options.session());
      const truth = truthLabels(context.catalog, context.libraryId, context.modelRowId, { kind: 'labels' });
      const result = evaluateLibrary(
        context.catalog,
        context.libraryId,
        context.modelRowId,
        context.model.metadata,
        truth,
      );
      // Keyed by the names the evaluation uses (model classes matched to the user's labels).
      const classIndex: Record<string, number> = {};
      classNamesAsLabels(context.model.metadata.classNames, [...new Set(truth.values())]).forEach(
        (name, i) => (classIndex[name] ??= i),
      );
      return {
        modelId: context.model.metadata.id,
        count: result.count,
        top1: result.top1,
        top5: result.top5,
        macroF1: result.macroF1,
        ece: result.ece,
        classes: result.classes,
        confusion: result.confusion,
        perClass: result.perClass.map(({ label, support, precision, recall, f1 }) => ({
          label,
          support,
          precision,
          recall,
          f1,
        })),
        reliability: result.reliability,
        classIndex,
      };
    },
    'learning.suspects': async ({ limit }) => {
      const context = current(options.session());
      const suspects = (await findSuspects(context.catalog, context.libraryId, context.modelRowId)).slice(0, limit);
      return suspects.map((s) => ({
        imageId: s.imageId,
        relPath: context.catalog.imageDetails(s.imageId, null)?.relPath ?? `#${s.imageId}`,
        label: s.label,
        suggested: s.suggested,
        score: s.score,
      }));
    },
    'learning.propagate': async ({ minScore }) => {
      const session = options.session();
      const context = current(session);
      const result = await propagateLabels(context.catalog, context.libraryId, context.modelRowId, {
        minScore,
        dryRun: false,
      });
      announceLabels(session);
      return { suggested: result.suggestions.length, written: result.change?.changedImageIds.length ?? 0 };
    },
    'learning.reviewSuggestions': ({ decision, minScore, label }) => {
      const session = options.session();
      const { catalog, libraryId } = session.learningContext();
      const change = reviewSuggestions(catalog, libraryId, decision, {
        minScore,
        ...(label === undefined ? {} : { label }),
      });
      announceLabels(session);
      return { changed: change.changedImageIds.length };
    },
  };
}
