/** The compact indexing progress in the top bar: bar, rate, ETA and pause/resume/cancel. */
import { useAppStore } from '../store/context.js';
import { formatCount, formatDuration, formatRate } from '../format.js';

export function IndexingProgress() {
  const status = useAppStore((s) => s.indexing);
  const pause = useAppStore((s) => s.pauseIndexing);
  const resume = useAppStore((s) => s.resumeIndexing);
  const cancel = useAppStore((s) => s.cancelIndexing);
  const start = useAppStore((s) => s.startIndexing);
  const togglePanel = useAppStore((s) => s.togglePanel);
  if (!status) return null;
  const { state, done, toProcess, failed } = status;
  const fraction = toProcess > 0 ? Math.min(1, done / toProcess) : state === 'finished' ? 1 : 0;
  const active = state === 'running' || state === 'paused' || state === 'scanning';
  const label =
    state === 'scanning'
      ? 'Scanning folder…'
      : state === 'running'
        ? `${formatCount(done)} / ${formatCount(toProcess)} · ${formatRate(status.imagesPerSecond)} · ${formatDuration(status.etaSeconds)} left`
        : state === 'paused'
          ? `Paused at ${formatCount(done)} / ${formatCount(toProcess)}`
          : state === 'finished'
            ? toProcess === 0
              ? 'Up to date'
              : `Indexed ${formatCount(done)}${failed > 0 ? ` · ${formatCount(failed)} failed` : ''}`
            : state === 'cancelled'
              ? `Cancelled at ${formatCount(done)} / ${formatCount(toProcess)}`
              : state === 'failed'
                ? `Indexing failed${status.message ? `: ${status.message}` : ''}`
                : 'Idle';
  return (
    <div
      className={`indexing-progress state-${state}`}
      data-testid="indexing-progress"
      data-state={state}
      data-done={done}
      data-to-process={toProcess}
      data-failed={failed}
    >
      <button
        type="button"
        className="progress-body"
        onClick={() => togglePanel('indexing')}
        title={status.message ?? 'Indexing details (i)'}
      >
        <span className="progress-track" aria-hidden="true">
          <span className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
        </span>
        <span className="progress-label">{label}</span>
      </button>
      {state === 'running' && (
        <button
          type="button"
          className="icon-button"
          data-testid="indexing-pause"
          onClick={() => void pause()}
          title="Pause (Space)"
          aria-label="Pause indexing"
        >
          ❚❚
        </button>
      )}
      {state === 'paused' && (
        <button
          type="button"
          className="icon-button"
          data-testid="indexing-resume"
          onClick={() => void resume()}
          title="Resume (Space)"
          aria-label="Resume indexing"
        >
          ▶
        </button>
      )}
      {active && (
        <button
          type="button"
          className="icon-button"
          data-testid="indexing-cancel"
          onClick={() => void cancel()}
          title="Cancel"
          aria-label="Cancel indexing"
        >
          ✕
        </button>
      )}
      {(state === 'cancelled' || state === 'failed') && (
        <button type="button" className="small-button" data-testid="indexing-start" onClick={() => void start()}>
          Restart
        </button>
      )}
    </div>
  );
}
