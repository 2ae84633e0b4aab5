/**
 * The labels panel (`b`): "n of N labelled", a bar per label (click one to filter the grid to
 * it), CSV export and import (with the import's row-by-row report), and the user vocabulary:
 * add, rename (relabels every image, one undo step), merge, remove an unused label.
 */
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { LabelRank } from '../../main/contract/label-types.js';
import { useAppStore, useStoreApi } from '../store/context.js';
import { className, formatCount } from '../format.js';
import { PanelHeader } from './SidePanel.js';

export function LabelsPanel() {
  const store = useStoreApi();
  const counts = useAppStore((s) => s.labelCounts);
  const labelled = useAppStore((s) => s.stats.labelled);
  const total = useAppStore((s) => s.stats.total);
  const undoState = useAppStore((s) => s.undoState);
  const filterLabel = useAppStore((s) => s.filter.labelIs);

  useEffect(() => {
    void store.getState().loadLabelCounts();
  }, [store, labelled]);

  const max = Math.max(1, ...(counts?.counts.map((entry) => entry.count) ?? [1]));
  return (
    <div className="panel labels-panel" data-testid="labels-panel">
      <PanelHeader title="Labels" />
      <p className="labelled-summary" data-testid="labelled-summary" data-labelled={labelled} data-total={total}>
        <strong>{formatCount(labelled)}</strong> of {formatCount(total)} labelled
      </p>
      <div className="button-row">
        <button
          type="button"
          className="small-button"
          disabled={!undoState.undo}
          onClick={() => void store.getState().undoLabels()}
          title={undoState.undo ?? 'Nothing to undo'}
        >
          Undo
        </button>
        <button
          type="button"
          className="small-button"
          disabled={!undoState.redo}
          onClick={() => void store.getState().redoLabels()}
          title={undoState.redo ?? 'Nothing to redo'}
        >
          Redo
        </button>
      </div>
      <LabelFilterInput />
      <section>
        <h3>Counts</h3>
        <ol className="label-counts" data-testid="label-counts" data-labels={counts?.counts.length ?? 0}>
          {(counts?.counts ?? []).map((entry) => (
            <li
              key={`${entry.rank}:${entry.label}`}
              data-label={entry.label}
              data-rank={entry.rank}
              data-count={entry.count}
              className={filterLabel?.label === entry.label ? 'active' : ''}
            >
              <button
                type="button"
                className="link"
                onClick={() =>
                  store.getState().setFilter({ labelIs: { label: entry.label, rank: entry.rank }, suspectIds: null })
                }
                title={`Show the ${entry.count} images labelled ${entry.label}`}
              >
                {className(entry.label)}
                {entry.rank !== 'species' && <span className="muted"> ({entry.rank})</span>}
              </button>
              <span className="bar" aria-hidden="true">
                <span style={{ width: `${Math.max(1, (entry.count / max) * 100).toFixed(1)}%` }} />
              </span>
              <span className="count">{formatCount(entry.count)}</span>
            </li>
          ))}
        </ol>
        {counts && counts.counts.length === 0 && <p className="muted">No labels yet: select images and press l.</p>}
      </section>
      <CsvSection />
      <VocabularySection />
    </div>
  );
}

function CsvSection() {
  const store = useStoreApi();
  const report = useAppStore((s) => s.importReport);
  const [labelsOnly, setLabelsOnly] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) await store.getState().importLabels(await file.text(), dryRun);
  };
  return (
    <section>
      <h3>CSV</h3>
      <label className="check">
        <input type="checkbox" checked={labelsOnly} onChange={(event) => setLabelsOnly(event.target.checked)} />{' '}
        labelled images only
      </label>
      <div className="button-row">
        <button
          type="button"
          className="small-button"
          data-testid="export-csv"
          onClick={() => void store.getState().exportLabels(labelsOnly)}
        >
          Export CSV…
        </button>
        <button
          type="button"
          className="small-button"
          data-testid="import-csv"
          onClick={() => fileInput.current?.click()}
        >
          Import CSV…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,text/csv"
          hidden
          data-testid="import-csv-file"
          onChange={(event) => void onFile(event)}
        />
        <button
          type="button"
          className="small-button"
          data-testid="import-folders"
          title="Label every image with its folder's name (birds/017.Cardinal/x.jpg → Cardinal)"
          onClick={() => void store.getState().importFolderLabels(dryRun)}
        >
          From folder names
        </button>
      </div>
      <label className="check">
        <input type="checkbox" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} /> dry run (report
        only)
      </label>
      {report && (
        <div
          className="import-report"
          data-testid="import-report"
          data-applied={report.applied}
          data-errors={report.errors.length}
        >
          <p>
            {report.dryRun ? 'Would apply' : 'Applied'} {formatCount(report.applied)} of {formatCount(report.rows)} rows
            {report.errors.length > 0 ? `; ${report.errors.length} could not apply:` : '.'}
          </p>
          {report.errors.length > 0 && (
            <ul className="import-errors">
              {report.errors.slice(0, 50).map((error) => (
                <li key={error.row}>
                  row {error.row}: {error.reason}
                </li>
              ))}
              {report.errors.length > 50 && <li>… and {report.errors.length - 50} more</li>}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function VocabularySection() {
  const store = useStoreApi();
  const vocabulary = useAppStore((s) => s.vocabulary);
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const userLabels = (vocabulary?.options ?? []).filter((option) => option.userAdded || option.count > 0);
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) void store.getState().addLabel(name.trim(), 'species' satisfies LabelRank);
    setName('');
  };
  return (
    <section>
      <h3>Vocabulary</h3>
      <form className="inline-form" onSubmit={add}>
        <input
          type="text"
          placeholder="New label (e.g. juvenile)"
          value={name}
          onChange={(event) => setName(event.target.value)}
          data-testid="vocabulary-new"
          aria-label="New label"
        />
        <button type="submit" className="small-button">
          Add
        </button>
      </form>
      <div className="inline-form">
        <input
          type="text"
          list="vocabulary-labels"
          placeholder="Label"
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          data-testid="vocabulary-from"
          aria-label="Label to rename or merge"
        />
        <span>→</span>
        <input
          type="text"
          list="vocabulary-labels"
          placeholder="New name / merge into"
          value={to}
          onChange={(event) => setTo(event.target.value)}
          data-testid="vocabulary-to"
          aria-label="New name or label to merge into"
        />
        <datalist id="vocabulary-labels">
          {userLabels.map((option) => (
            <option key={`${option.rank}:${option.label}`} value={option.label} />
          ))}
        </datalist>
      </div>
      <div className="button-row">
        <button
          type="button"
          className="small-button"
          data-testid="vocabulary-rename"
          disabled={!from.trim() || !to.trim()}
          onClick={() => void store.getState().renameLabel(from.trim(), to.trim())}
        >
          Rename
        </button>
        <button
          type="button"
          className="small-button"
          data-testid="vocabulary-merge"
          disabled={!from.trim() || !to.trim()}
          onClick={() => void store.getState().mergeLabels(from.trim(), to.trim())}
        >
          Merge
        </button>
      </div>
      <ul className="vocabulary" data-testid="vocabulary">
        {userLabels.map((option) => (
          <li key={`${option.rank}:${option.label}`} data-label={option.label} data-count={option.count}>
            <span>{className(option.label)}</span>
            <span className="muted">{formatCount(option.count)}</span>
            {option.count === 0 && (
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${option.label}`}
                title="Remove (unused)"
                onClick={() => void store.getState().removeLabel(option.label)}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Shows the images with a label, or with any label under a genus, family or order. */
function LabelFilterInput() {
  const store = useStoreApi();
  const vocabulary = useAppStore((s) => s.vocabulary);
  const [text, setText] = useState('');
  const options = vocabulary?.options ?? [];
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const wanted = text.trim().toLowerCase();
    if (!wanted) return store.getState().setFilter({ labelIs: null });
    // A taxon name wins over a species of the same spelling only when written as "rank: name".
    const [rankPart, namePart] = wanted.includes(':')
      ? wanted.split(':', 2).map((part) => part.trim())
      : [null, wanted];
    const match = options.find(
      (option) =>
        option.label.toLowerCase().replaceAll('_', ' ') === namePart?.replaceAll('_', ' ') &&
        (rankPart === null || option.rank === rankPart),
    );
    store.getState().setFilter({
      labelIs: match ? { label: match.label, rank: match.rank } : { label: text.trim(), rank: 'species' },
    });
  };
  return (
    <form className="inline-form" onSubmit={apply}>
      <input
        type="search"
        list="label-filter-options"
        placeholder="Show label, genus, family or order…"
        value={text}
        onChange={(event) => setText(event.target.value)}
        data-testid="filter-label"
        aria-label="Show images with this label or any label under this taxon"
      />
      <datalist id="label-filter-options">
        {options.map((option) => (
          <option
            key={`${option.rank}:${option.label}`}
            value={option.rank === 'species' ? option.label : `${option.rank}: ${option.label}`}
          />
        ))}
      </datalist>
      <button type="submit" className="small-button">
        Show
      </button>
    </form>
  );
}
