/**
 * `fieldmark classify <folder>`: index a photo folder with a model, print progress or JSON lines,
 * optionally write the predictions CSV. Bad files are reported and skipped (exit 0); bad
 * arguments exit 2.
 */
import { resolve } from 'node:path';
import {
  parseCommandArgs,
  intOption,
  choiceOption,
  optionalString,
  expectPositionals,
  libraryArguments,
} from '../args.js';
import type { CommandHandler, CliContext } from '../context.js';
import { EXIT_OK } from '../context.js';
import { openLibrary } from '../../engine/library.js';
import { startIndexJob } from '../../engine/pipeline/index-job.js';
import type { IndexEvent, IndexSummary } from '../../engine/pipeline/events.js';
import { startClassifyWatch, type ClassifyWatch } from './classify-watch.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../engine/inference/execution-providers.js';
import { checkCsvOutput, writePredictionsCsv } from './export.js';
import { ProgressBar } from '../progress-bar.js';
import { resolveUsableModel } from '../usable-model.js';
import type { ModelMetadata } from '../../zoo/onnx/model-metadata.js';

export const CLASSIFY_USAGE = `fieldmark classify <folder> [options]

Classify every image of a folder (recursively) and save predictions and feature vectors.
Re-running processes only new or changed files.

Options:
  --model <file|id>     a Fieldmark .onnx file or an installed registry id (default: the registry's
                        default, resnet50_8xb32_in1k; see "fieldmark models list")
  --db <file>           catalog file (default: in the user data folder, one per library)
  --csv <file>          write one row per classified image
  --top-k <n>           classes kept per image, 1-20 (default 5)
  --device <d>          auto|cpu|gpu (default auto)
  --batch <n>           images per inference batch, 1-256 (default 8)
  --threads <n>         inference threads (default: all cores)
  --json                one JSON object per line on stdout
  --retry-failed        try files that failed before again (normally skipped until they change)
  --batch-timeout <s>   stop with an error when one batch takes longer, 1-86400 (default 600)
  --watch               then keep indexing files added, changed, moved or deleted until Ctrl+C
`;

const OPTIONS = {
  model: { type: 'string' },
  db: { type: 'string' },
  csv: { type: 'string' },
  'top-k': { type: 'string' },
  device: { type: 'string' },
  batch: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
  'retry-failed': { type: 'boolean' },
  'batch-timeout': { type: 'string' },
  watch: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const classifyCommand: CommandHandler = async (args, context) => {
  const { values, positionals } = parseCommandArgs('classify', args, OPTIONS);
  if (values.help) {
    context.stdout.write(CLASSIFY_USAGE);
    return EXIT_OK;
  }
  const [folder] = expectPositionals('classify', positionals, ['folder']);
  const topK = intOption('top-k', values['top-k'], 5, 1, 20);
  const device = choiceOption<DeviceRequest>('device', values.device, DEVICE_REQUESTS, 'auto');
  const batchSize = intOption('batch', values.batch, 8, 1, 256);
  const threads = values.threads === undefined ? undefined : intOption('threads', values.threads, 1, 1, 256);
  const batchTimeoutS =
    values['batch-timeout'] === undefined
      ? undefined
      : intOption('batch-timeout', values['batch-timeout'], 600, 1, 86_400);
  const json = values.json === true;
  const csvPath = optionalString(values.csv);

  const model = await resolveUsableModel(optionalString(values.model), context.cwd, context.env);
  const opened = libraryArguments(folder!, values.db, context);
  const library = await openLibrary(opened.folder, opened.options);
  let watch: ClassifyWatch | null = null;
  try {
    // Before any work: an output that is the catalog would destroy it (issue 12, item 1).
    if (csvPath) checkCsvOutput(resolve(context.cwd, csvPath), library.catalogPath);
    if (!model.metadata.trained && !json) {
      context.stderr.write(
        `note: ${model.metadata.id} has untrained (seeded) weights: its predictions are meaningless\n`,
      );
    }
    const reporter = new ClassifyReporter(context, json, model.metadata);
    // Watching starts before the first run walks the folder, so nothing added meanwhile is missed.
    const note = (text: string) => context.stderr.write(`${text}\n`);
    watch =
      values.watch === true
        ? await startClassifyWatch({
            root: library.root,
            catalogPath: library.catalogPath,
            signal: context.signal,
            note,
            rerun: async () => void (await classifyOnce(false)),
          })
        : null;
    const classifyOnce = async (retryFailed: boolean): Promise<IndexSummary> => {
      const job = startIndexJob(
        {
          catalog: library.catalog,
          libraryId: library.libraryId,
          libraryRoot: library.root,
          model,
          device,
          batchSize,
          topK,
          retryFailed,
          ...(threads ? { threads } : {}),
          ...(batchTimeoutS === undefined ? {} : { batchTimeoutMs: batchTimeoutS * 1000 }),
        },
        (event) => reporter.onEvent(event),
      );
      const cancel = () => job.cancel();
      context.signal.addEventListener('abort', cancel, { once: true });
      const summary = await job.done.finally(() => context.signal.removeEventListener('abort', cancel));
      reporter.finish();
      if (csvPath) {
        const rows = library.catalog.exportRows(library.libraryId, await job.modelRowId);
        writePredictionsCsv(
          resolve(context.cwd, csvPath),
          rows,
          model.metadata.classNames,
          model.metadata.id,
          library.catalogPath,
        );
      }
      const line = {
        type: 'summary',
        total: summary.total,
        processed: summary.processed,
        skipped: summary.skipped,
        failed: summary.failed,
        images_per_second: Number(summary.imagesPerSecond.toFixed(2)),
        device: summary.device,
        ...(summary.cancelled ? { cancelled: true } : {}),
      };
      if (json) context.stdout.write(`${JSON.stringify(line)}\n`);
      else {
        context.stdout.write(
          `${summary.cancelled ? 'cancelled' : 'done'}: ${summary.total} images, ${summary.processed} processed, ${summary.skipped} already done, ` +
            `${summary.failed} failed, ${summary.imagesPerSecond.toFixed(1)} images/s on ${summary.device}\n`,
        );
        if (csvPath) context.stdout.write(`wrote ${csvPath}\n`);
      }
      return summary;
    };
    const summary = await classifyOnce(values['retry-failed'] === true);
    if (watch && !summary.cancelled) return await watch.follow();
    return summary.cancelled ? 130 : EXIT_OK;
  } finally {
    await watch?.close();
    library.catalog.close();
  }
};

/** Turns job events into a progress bar and messages, or into JSON lines. */
class ClassifyReporter {
  private readonly bar: ProgressBar | null;
  constructor(
    private readonly context: CliContext,
    private readonly json: boolean,
    private readonly model: ModelMetadata,
  ) {
    this.bar = !json && context.stderr.isTTY ? new ProgressBar(context.stderr) : null;
  }

  onEvent(event: IndexEvent): void {
    switch (event.type) {
      case 'predictions':
        if (this.json) for (const item of event.items) this.line(this.resultLine(item.relPath, item.topk));
        return;
      case 'image-error':
        if (this.json) this.line({ type: 'error', path: event.relPath, kind: event.kind, message: event.message });
        else this.message(`error: ${event.relPath}: ${event.message} (${event.kind})`);
        return;
      case 'scan-problem':
        if (this.json) this.line({ type: 'error', path: event.path, kind: event.kind, message: event.message });
        else this.message(`warning: ${event.path}: ${event.message}`);
        return;
      case 'started':
        if (!this.json) {
          this.message(`${event.toProcess} of ${event.total} images to process on ${event.device.provider}`);
          if (event.toProcess > 0 && event.device.requested !== 'cpu' && event.device.notes.length > 0) {
            this.message(`  not used: ${event.device.notes.join('; ')}`);
          }
        }
        return;
      case 'progress':
        this.bar?.update(event.progress);
        return;
      case 'scan':
      case 'features':
      case 'state':
        return;
      default:
        event satisfies never;
    }
  }

  finish(): void {
    this.bar?.clear();
  }

  private resultLine(path: string, topk: { index: number; prob: number }[]) {
    const best = topk[0]!;
    return {
      type: 'result',
      path,
      prediction: this.model.classNames[best.index] ?? `class ${best.index}`,
      prediction_index: best.index,
      confidence: Number(best.prob.toFixed(6)),
      top_k: topk.map((t) => ({ index: t.index, probability: Number(t.prob.toFixed(6)) })),
      model: this.model.id,
    };
  }

  private line(value: unknown): void {
    this.context.stdout.write(`${JSON.stringify(value)}\n`);
  }

  private message(text: string): void {
    if (this.bar) this.bar.log(text);
    else this.context.stderr.write(`${text}\n`);
  }
}
