/**
 * Importing labels from a CSV with `path` and `label` columns (any case, any order, optional
 * `label_rank`): every row that cannot apply is reported with its line and reason, the rest are
 * applied in one transaction as one undo step; a file that is not such a CSV changes nothing.
 */
import { FieldmarkError } from '../../util/errors.js';
import { parseCsv, restoreCsvCell } from '../export/csv.js';
import type { LabelStore } from './label-store.js';
import type { LibraryPaths } from './library-paths.js';
import { LABEL_RANKS } from './types.js';
import type { LabelAssignment, LabelChange, LabelRank } from './types.js';
import { MAX_LABEL_LENGTH } from './label-validate.js';
import { normalizeLabelKey } from './label-sets.js';

export interface ImportError {
  /** The file's line where the row starts (the header is line 1). */
  row: number;
  reason: string;
}

export interface CsvImportResult {
  /** Data rows read (header excluded). */
  rows: number;
  /** Rows that apply (or would, in a dry run). */
  applied: number;
  /** Images whose label actually changed (0 in a dry run). */
  changed: number;
  errors: ImportError[];
  dryRun: boolean;
  change: LabelChange | null;
}

export interface CsvImportOptions {
  dryRun?: boolean;
  /** When given, labels must be one of these (matched ignoring case and `_`/space; stored in this spelling). */
  closedVocabulary?: readonly string[] | null;
}

interface Columns {
  path: number;
  label: number;
  rank: number | null;
}

function findColumns(header: readonly string[]): Columns {
  const names = header.map((name) => name.trim().toLowerCase());
  const path = names.indexOf('path');
  const label = names.indexOf('label');
  if (path === -1 || label === -1) {
    const missing = [path === -1 ? '"path"' : null, label === -1 ? '"label"' : null].filter(Boolean).join(' and ');
    throw new FieldmarkError(
      'InvalidArgument',
      `CSV header: expected columns "path" and "label" but ${missing} ${missing.includes('and') ? 'are' : 'is'} missing (header: ${header.slice(0, 8).join(',') || 'empty'})`,
    );
  }
  const rank = names.indexOf('label_rank');
  return { path, label, rank: rank === -1 ? null : rank };
}

/**
 * Checks every row and applies the good ones as one step (unless dry-run).
 * @throws FieldmarkError InvalidArgument for text that is not CSV or has no path/label columns (nothing changes).
 */
export function importLabelsCsv(
  store: LabelStore,
  paths: LibraryPaths,
  text: string,
  options: CsvImportOptions = {},
): CsvImportResult {
  const { records } = parseCsv(text);
  const [header, ...data] = records;
  if (header === undefined)
    throw new FieldmarkError(
      'InvalidArgument',
      'CSV: expected a header with "path" and "label" columns but the file is empty',
    );
  const columns = findColumns(header.fields);
  const closed = options.closedVocabulary
    ? new Map(options.closedVocabulary.map((name) => [normalizeLabelKey(name), name]))
    : null;
  const errors: ImportError[] = [];
  const assignments: LabelAssignment[] = [];
  const firstRowOf = new Map<number, number>();
  for (const record of data) {
    const fail = (reason: string): void => {
      errors.push({ row: record.line, reason });
    };
    const path = restoreCsvCell(record.fields[columns.path] ?? '');
    let label = restoreCsvCell(record.fields[columns.label] ?? '').trim();
    const rankText = columns.rank === null ? '' : (record.fields[columns.rank] ?? '').trim().toLowerCase();
    if (path.trim() === '') {
      fail('empty path');
      continue;
    }
    const found = paths.lookup(path);
    if (found.kind === 'outside') {
      fail(`path "${path}" is outside the library`);
      continue;
    }
    if (found.kind === 'unknown') {
      fail(`unknown path "${path}" (not an image of the library's catalog)`);
      continue;
    }
    if (label === '') {
      fail('empty label');
      continue;
    }
    if (label.length > MAX_LABEL_LENGTH) {
      fail(`label longer than ${MAX_LABEL_LENGTH} characters`);
      continue;
    }
    if (closed !== null) {
      const known = closed.get(normalizeLabelKey(label));
      if (known === undefined) {
        fail(`label "${label}" is not in the closed vocabulary`);
        continue;
      }
      label = known;
    }
    const rank: LabelRank | undefined = rankText === '' ? 'species' : LABEL_RANKS.find((r) => r === rankText);
    if (rank === undefined) {
      fail(`label_rank "${rankText}": expected one of ${LABEL_RANKS.join(', ')}`);
      continue;
    }
    const first = firstRowOf.get(found.imageId);
    if (first !== undefined) {
      fail(`duplicate path "${found.relPath}" (first on row ${first})`);
      continue;
    }
    firstRowOf.set(found.imageId, record.line);
    assignments.push({ imageId: found.imageId, label, rank });
  }
  const dryRun = options.dryRun ?? false;
  const change =
    dryRun || assignments.length === 0
      ? null
      : store.applyEach(
          assignments,
          'imported',
          `Import ${assignments.length} label${assignments.length === 1 ? '' : 's'} from CSV`,
        );
  return {
    rows: data.length,
    applied: assignments.length,
    changed: change?.changedImageIds.length ?? 0,
    errors,
    dryRun,
    change,
  };
}
