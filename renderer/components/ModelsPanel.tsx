/** The models page: every model with its state and actions (download, cancel, use, remove) and checkpoint import. */
import { useState } from 'react';
import type { ModelRow } from '../../main/contract/model-types.js';
import { useAppStore } from '../store/context.js';

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '';
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

function stateText(row: ModelRow): string {
  switch (row.state) {
    case 'available':
      return 'available';
    case 'not-downloaded':
      return 'not downloaded';
    case 'downloading': {
      const p = row.progress;
      if (!p || p.total === null || p.total === 0) return `downloading ${formatBytes(p?.received ?? 0)}`;
      return `downloading ${Math.floor((100 * p.received) / p.total)}%`;
    }
    case 'failed':
      return `failed: ${row.error ?? 'unknown reason'}`;
    default:
      return row.state satisfies never;
  }
}

function ModelRowView({ row }: { row: ModelRow }) {
  const download = useAppStore((s) => s.downloadModel);
  const cancel = useAppStore((s) => s.cancelDownload);
  const use = useAppStore((s) => s.useModel);
  const remove = useAppStore((s) => s.removeModel);
  const facts = [
    row.labelSet,
    `${row.inputSize.width}x${row.inputSize.height}`,
    row.top1 === null ? null : `top-1 ${row.top1}%`,
    formatBytes(row.sizeBytes) || null,
    row.precision,
    row.trained ? 'trained' : 'untrained',
  ].filter((fact): fact is string => fact !== null);
  return (
    <li
      className={row.inUse ? 'model-row in-use' : 'model-row'}
      data-testid="model-row"
      data-id={row.id}
      data-state={row.state}
    >
      <div className="model-name" data-testid="model-name">
        {row.name}
        {row.inUse && <span className="badge"> in use</span>}
      </div>
      <div className="muted model-facts">{facts.join(' · ')}</div>
      <div className="model-state">{stateText(row)}</div>
      <div className="model-actions">
        {(row.state === 'not-downloaded' || row.state === 'failed') && row.kind === 'registry' && (
          <button type="button" data-testid="model-download" onClick={() => void download(row.id)}>
            Download
          </button>
        )}
        {row.state === 'downloading' && (
          <button type="button" data-testid="model-cancel" onClick={() => void cancel(row.id)}>
            Cancel
          </button>
        )}
        {row.state === 'available' && !row.inUse && (
          <button type="button" data-testid="model-use" onClick={() => void use(row.id)}>
            Use for this library
          </button>
        )}
        {row.removable && !row.inUse && (
          <button type="button" data-testid="model-remove" onClick={() => void remove(row.id)}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}

/** Import a checkpoint by its path on the engine's machine (or dropped, where the platform gives the path). */
export function ModelImport() {
  const modelImporting = useAppStore((s) => s.modelImporting);
  const report = useAppStore((s) => s.modelImportReport);
  const importCheckpoint = useAppStore((s) => s.importCheckpoint);
  const rows = useAppStore((s) => s.modelRows);
  const [path, setPath] = useState('');
  const [like, setLike] = useState('');
  return (
    <form
      className="model-import"
      data-testid="model-import"
      onSubmit={(event) => {
        event.preventDefault();
        if (path.trim()) void importCheckpoint(path.trim(), like || undefined);
      }}
    >
      <h3>Import a checkpoint</h3>
      <input
        type="text"
        value={path}
        placeholder="Checkpoint path (.pth, .th)"
        aria-label="Checkpoint path"
        data-testid="model-import-path"
        onChange={(event) => setPath(event.target.value)}
      />
      <select
        value={like}
        aria-label="Registry model it is"
        data-testid="model-import-like"
        onChange={(event) => setLike(event.target.value)}
      >
        <option value="">not a registry model (convert as is)</option>
        {rows
          .filter((row) => row.kind === 'registry')
          .map((row) => (
            <option key={row.id} value={row.id}>
              {row.id}
            </option>
          ))}
      </select>
      <button type="submit" disabled={modelImporting || !path.trim()}>
        {modelImporting ? 'Converting…' : 'Import'}
      </button>
      {report && (
        <pre className="import-report" data-testid="model-import-report">
          {[`${report.id}`, ...report.report].join('\n')}
        </pre>
      )}
    </form>
  );
}

export function ModelsPanel() {
  const open = useAppStore((s) => s.modelsOpen);
  const rows = useAppStore((s) => s.modelRows);
  const setOpen = useAppStore((s) => s.setModelsOpen);
  if (!open) return null;
  return (
    <div
      className="overlay"
      role="dialog"
      aria-label="Models"
      onClick={(event) => event.target === event.currentTarget && setOpen(false)}
    >
      <section className="models-panel" data-testid="models-panel">
        <header>
          <h2>Models</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => setOpen(false)}>
            ×
          </button>
        </header>
        <ul className="model-list">
          {rows.map((row) => (
            <ModelRowView key={row.id} row={row} />
          ))}
        </ul>
        <ModelImport />
      </section>
    </div>
  );
}
