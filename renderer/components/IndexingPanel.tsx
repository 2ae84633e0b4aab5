/** The indexing panel: progress in full, device in use, controls, and the failed files with reasons. */
import { useAppStore } from '../store/context.js';
import { formatCount, formatDuration, formatRate } from '../format.js';
import { PAGE_SIZE } from '../store/grid-slice.js';
import { PanelHeader } from './SidePanel.js';

export function IndexingPanel() {
  const status = useAppStore((s) => s.indexing);
  const features = useAppStore((s) => s.featureVectorsReceived);
  const featureDim = useAppStore((s) => s.featureDim);
  const pause = useAppStore((s) => s.pauseIndexing);
  const resume = useAppStore((s) => s.resumeIndexing);
  const cancel = useAppStore((s) => s.cancelIndexing);
  const start = useAppStore((s) => s.startIndexing);
  if (!status) return null;
  const fraction = status.toProcess > 0 ? status.done / status.toProcess : status.state === 'finished' ? 1 : 0;
  const rows: [string, string][] = [
    ['State', status.state],
    [
      'This run',
      status.toProcess === 0 && status.state === 'finished'
        ? 'nothing new to index'
        : `${formatCount(status.done)} of ${formatCount(status.toProcess)}, ${formatCount(status.failed)} failed`,
    ],
    ['Speed', formatRate(status.imagesPerSecond)],
    ['Time left', formatDuration(status.etaSeconds)],
    [
      'Device',
      status.device && status.device.provider !== 'none'
        ? `${status.device.provider} (asked: ${status.device.requested})`
        : '–',
    ],
  ];
  if (status.scan)
    rows.push([
      'Last scan',
      `${status.scan.added} new, ${status.scan.changed} changed, ${status.scan.removed} removed, ${status.scan.unchanged} unchanged`,
    ]);
  if (features > 0)
    rows.push(['Feature vectors', `${formatCount(features)} received (${featureDim ?? '?'} floats each)`]);
  return (
    <div className="panel indexing-panel">
      <PanelHeader title="Indexing" />
      <div className="big-progress" aria-label={`${(fraction * 100).toFixed(0)}% done`}>
        <span style={{ width: `${(Math.min(1, fraction) * 100).toFixed(1)}%` }} />
      </div>
      <div className="button-row">
        {status.state === 'running' && (
          <button type="button" onClick={() => void pause()}>
            Pause
          </button>
        )}
        {status.state === 'paused' && (
          <button type="button" onClick={() => void resume()}>
            Resume
          </button>
        )}
        {(status.state === 'running' || status.state === 'paused' || status.state === 'scanning') && (
          <button type="button" onClick={() => void cancel()}>
            Cancel
          </button>
        )}
        {(status.state === 'finished' ||
          status.state === 'cancelled' ||
          status.state === 'failed' ||
          status.state === 'idle') && (
          <button
            type="button"
            onClick={() => void start()}
            title="Scan the folder again and index new or changed files"
          >
            Rescan
          </button>
        )}
      </div>
      {status.message && <p className="error-box">{status.message}</p>}
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {status.device && status.device.notes.length > 0 && (
        <ul className="notes">
          {status.device.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <ErrorList />
    </div>
  );
}

function ErrorList() {
  const failed = useAppStore((s) => s.failedImages);
  const pages = useAppStore((s) => s.pages);
  const select = useAppStore((s) => s.select);
  const showFailed = useAppStore((s) => s.showFailedFiles);
  const filterStatus = useAppStore((s) => s.filter.status);
  return (
    <section>
      <h3>
        Failed files <span className="count">{formatCount(failed.length)}</span>
      </h3>
      {failed.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <>
          {filterStatus !== 'failed' && (
            <button type="button" className="small-button" onClick={showFailed}>
              Show them in the grid
            </button>
          )}
          <ul className="error-list" data-testid="error-list">
            {failed.map((item) => (
              <li
                key={item.id}
                data-path={item.relPath}
                data-kind={item.kind}
                onClick={() => {
                  // Select it when it is on a loaded page of the current grid.
                  for (const [page, ids] of Object.entries(pages)) {
                    const at = ids.indexOf(item.id);
                    if (at >= 0) select(Number(page) * PAGE_SIZE + at);
                  }
                }}
              >
                <span className="path" title={item.relPath}>
                  {item.relPath}
                </span>
                <span className="kind">{item.kind}</span>
                <span className="message">{item.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
