/** The detail panel: the large image, top-5 with probability bars, file facts, or the error. */
import { useAppStore } from '../store/context.js';
import { className, fileName, folderOf, formatBytes, formatPercent, renditionUrl } from '../format.js';
import { PanelHeader } from './SidePanel.js';

export function DetailPanel() {
  const detail = useAppStore((s) => s.detail);
  const loading = useAppStore((s) => s.detailLoading);
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
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
        {detail.status === 'failed' ? <span className="thumb-broken">⚠</span> : <img key={detail.id} src={renditionUrl('image', detail.id, catalogPath, detail.modifiedAt)} alt={detail.relPath} />}
      </div>
      {detail.error && (
        <div className="error-box" data-testid="detail-error" data-kind={detail.error.kind}>
          <strong>{detail.error.kind}</strong>
          <p>{detail.error.message}</p>
        </div>
      )}
      {detail.topk.length > 0 && (
        <section>
          <h3>Predictions</h3>
          <ol className="topk" data-testid="detail-topk">
            {detail.topk.map((entry) => (
              <li key={entry.index} data-class-index={entry.index} data-prob={entry.prob.toFixed(6)}>
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
      <p className="hint">← → ↑ ↓ move · Esc closes</p>
    </div>
  );
}
