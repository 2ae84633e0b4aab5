/** `fieldmark labels list <folder> [--json]`: every labelled image with its label and provenance, then the counts. */
import { parseCommandArgs, expectPositionals } from '../args.js';
import { EXIT_OK, type CliContext } from '../context.js';
import { withLabelLibrary } from './label-library.js';

export async function labelsList(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('labels list', args, {
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [folder] = expectPositionals('labels list', positionals, ['folder']);
  return withLabelLibrary(folder!, values.db, context, ({ library, store, paths }) => {
    const pathOf = new Map<number, string>();
    for (const [path, id] of paths.entries()) pathOf.set(id, path);
    const labels = store
      .allLabels()
      .sort((a, b) => (pathOf.get(a.imageId) ?? '').localeCompare(pathOf.get(b.imageId) ?? ''));
    const total = library.catalog.stats(library.libraryId, null).total;
    const out = context.stdout;
    for (const record of labels) {
      const path = pathOf.get(record.imageId) ?? `#${record.imageId}`;
      if (values.json) {
        out.write(
          `${JSON.stringify({ type: 'label', path, label: record.label, source: record.source, rank: record.rank, score: record.score, updatedAt: record.updatedAt })}\n`,
        );
      } else {
        out.write(`${path}\t${record.label}\t${record.source}${record.rank === 'species' ? '' : `\t${record.rank}`}\n`);
      }
    }
    const counts = store.counts();
    const undo = store.undoState();
    if (values.json) {
      out.write(
        `${JSON.stringify({ type: 'summary', labelled: labels.length, total, counts, undo: undo.undo, redo: undo.redo })}\n`,
      );
    } else {
      out.write(`${labels.length} of ${total} labelled\n`);
      for (const count of counts)
        out.write(
          `${String(count.count).padStart(7)}  ${count.label}${count.rank === 'species' ? '' : ` (${count.rank})`}\n`,
        );
    }
    return EXIT_OK;
  });
}
