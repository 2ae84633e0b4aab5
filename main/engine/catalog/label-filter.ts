/**
 * The label side of the image list: the SQL clause for a label filter (labelled, unlabelled,
 * one of some labels, label differs from the model's top-1 name). Clauses refer to `i` (images),
 * `p` (the model's prediction) and `l` (the label), as joined by image-queries.
 */
import { FieldmarkError, unreachable } from '../../util/errors.js';
import type { SqlRunner } from './sql-runner.js';
import type { LabelFilter } from './types.js';

/** The class names loaded into each connection's temp table, so a page query does not reload 1000 rows. */
const loadedNames = new WeakMap<SqlRunner, string>();

/**
 * Puts a model's class names into `temp.class_names` (index -> name), so "label differs from the
 * top-1 name" is a primary-key lookup per image (a 100k-image query stays well under 200 ms).
 * A temp table works on read-only connections too: it lives in the connection's temp database.
 */
function loadClassNames(
  sql: SqlRunner,
  classNames: readonly string[],
  lineage: readonly (readonly string[])[] | undefined,
): void {
  const key = JSON.stringify([classNames, lineage ?? []]);
  if (loadedNames.get(sql) === key) return;
  // Several names per class: its own, and (with a taxonomy) its genus, family and order, so a
  // label given at a coarser rank agrees with a prediction of any species beneath it.
  sql.db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS class_labels (idx INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (idx, name)) WITHOUT ROWID',
  );
  const rows = classNames.flatMap((name, idx) => [name, ...(lineage?.[idx] ?? [])].map((label) => [idx, label]));
  sql.db.transaction(() => {
    sql.statement('DELETE FROM temp.class_labels').run();
    sql
      .statement(
        "INSERT OR IGNORE INTO temp.class_labels (idx, name) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)",
      )
      .run(JSON.stringify(rows));
  })();
  loadedNames.set(sql, key);
}

/**
 * The WHERE clause of a label filter; adds its parameters to `params`.
 * @throws FieldmarkError InvalidArgument for a malformed filter, or `disagree` without a model or class names.
 */
export function labelFilterClause(
  sql: SqlRunner,
  filter: LabelFilter,
  classNames: readonly string[] | undefined,
  hasModel: boolean,
  params: Record<string, unknown>,
  classLineage?: readonly (readonly string[])[],
): string {
  const kind = filter.kind;
  switch (kind) {
    case 'labelled':
      return 'l.label IS NOT NULL';
    case 'unlabelled':
      return 'l.label IS NULL';
    case 'is': {
      const labels = (filter as { labels?: unknown }).labels;
      if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string')) {
        throw new FieldmarkError('InvalidArgument', 'label.labels: expected an array of label names');
      }
      params['labelSet'] = JSON.stringify(labels);
      return 'l.label IN (SELECT value FROM json_each(@labelSet))';
    }
    case 'disagree':
      if (!hasModel)
        throw new FieldmarkError(
          'InvalidArgument',
          'label "disagree": expected a modelRowId with it but received modelRowId null',
        );
      if (
        !Array.isArray(classNames) ||
        classNames.length === 0 ||
        !classNames.every((name) => typeof name === 'string')
      ) {
        throw new FieldmarkError(
          'InvalidArgument',
          'label "disagree": expected the model\'s classNames (a non-empty array of strings) in the query',
        );
      }
      loadClassNames(sql, classNames, classLineage);
      return 'l.label IS NOT NULL AND p.top1_index IS NOT NULL AND NOT EXISTS (SELECT 1 FROM temp.class_labels c WHERE c.idx = p.top1_index AND c.name = l.label)';
    default:
      return unreachable(kind);
  }
}
