/** The detail panel: the large image, top-5 with probability bars, file facts, or the error. */
import { useAppStore } from '../store/context.js';
import { className, fileName, folderOf, formatBytes, formatPercent, renditionUrl } from '../format.js';
import { PanelHeader } from './SidePanel.js';
import type { LabelSource } from '../../main/contract/label-types.js';

const SOURCE_WORDS: Record<LabelSource, string> = {
  manual: 'manual',
  accepted: 'accepted prediction',
  imported: 'imported',
  propagated: 'propagated (suggestion)',
  model: 'trained model',
};

export function DetailPanel() {
  const detail = useAppStore((s) => s.detail);
  const loading = useAppStore((s) => s.detailLoading);
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  const history = useAppStore((s) => s.detailHistory);
  if (!detail) {
    return (
      <div className="panel detail-panel" data-testid="detail-panel" data-path="">
        <PanelHeader title="Image" />
        <p className="muted">{loading ? 'Loading…' : 'Select an image.'}</p>
      </div>
    );
  }
  const facts: [string, string][] = [
    ['Folder', folderOf(detail.relPath) || '(library root)'],
    ['Size', formatBytes(detail.sizeBytes)],
    ['Dimensions', detail.width !== null && detail.height !== null ? `${detail.width} × ${detail.height}` : '–'],
    ['Taken', detail.takenAt ? detail.takenAt.replace('T', ' ') : '–'],
    ['Camera', detail.camera ?? '–'],
    ['Modified', new Date(detail.modifiedAt).toLocaleString()],
  ];
  const top = detail.topk[0]?.prob ?? 1;
  return (
    <div className="panel detail-panel" data-testid="detail-panel" data-path={detail.relPath} data-image-id={detail.id}>
      <PanelHeader title={fileName(detail.relPath)} />
      <div className="detail-image">
        {detail.status === 'failed' ? (
          <span className="thumb-broken">⚠</span>
        ) : (
          <img
            key={detail.id}
            src={renditionUrl('image', detail.id, catalogPath, detail.modifiedAt)}
            alt={detail.relPath}
          />
        )}
      </div>
      {detail.error && (
        <div className="error-box" data-testid="detail-error" data-kind={detail.error.kind}>
          <strong>{detail.error.kind}</strong>
          <p>{detail.error.message}</p>
        </div>
      )}
      <section className="detail-label-section">
        <h3>Label</h3>
        <div
          className="detail-label"
          data-testid="detail-label"
          data-label={detail.label?.label ?? ''}
          data-source={detail.label?.source ?? ''}
          data-rank={detail.label?.rank ?? ''}
        >
          {detail.label ? (
            <>
              <strong>{className(detail.label.label)}</strong>
              <span className="muted">
                {' '}
                · {detail.label.rank} · {SOURCE_WORDS[detail.label.source]} ·{' '}
                {new Date(detail.label.updatedAt).toLocaleString()}
              </span>
            </>
          ) : (
            <span className="muted">Unlabelled — press l to label, a to accept the top prediction</span>
          )}
        </div>
        {history.length > 0 && (
          <details className="label-history" data-testid="label-history" data-events={history.length}>
            <summary>History ({history.length})</summary>
            <ol>
              {history.map((entry, position) => (
                <li key={position} className={entry.undone ? 'undone' : ''}>
                  {new Date(entry.at).toLocaleString()}: {entry.oldLabel ?? '—'} → {entry.newLabel ?? '—'} (
                  {SOURCE_WORDS[entry.source]}
                  {entry.undone ? ', undone' : ''})
                </li>
              ))}
            </ol>
          </details>
        )}
      </section>
      {detail.topk.length > 0 && (
        <section>
          <h3>Predictions</h3>
          <ol className="topk" data-testid="detail-topk">
            {detail.topk.map((entry) => (
              <li key={entry.index} data-class-index={entry.index} data-prob={entry.prob.toFixed(6)}>
                <kbd className="topk-key">{detail.topk.indexOf(entry) + 1}</kbd>
                <span className="class-name" title={`class ${entry.index}`}>
                  {className(entry.name)}
                </span>
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(1, (entry.prob / top) * 100).toFixed(1)}%` }} />
                </span>
                <span className="prob">{formatPercent(entry.prob, 1)}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
      {detail.status === 'pending' && <p className="muted">Not indexed yet.</p>}
      <section>
        <h3>File</h3>
        <dl className="facts">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd title={value}>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <p className="hint">← → ↑ ↓ move · l label · a accept · 1–5 apply a prediction · v view · Esc closes</p>
    </div>
  );
}
