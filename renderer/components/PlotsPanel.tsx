/** Two small SVG plots: the predicted-class distribution (click a bar to filter) and the confidence histogram. */
import { useEffect } from 'react';
import { useAppStore } from '../store/context.js';
import { className, formatCount } from '../format.js';
import { PanelHeader } from './SidePanel.js';

const MAX_BARS = 15;

export function PlotsPanel() {
  const distribution = useAppStore((s) => s.classDistribution);
  const histogram = useAppStore((s) => s.confidenceHistogram);
  const loadPlots = useAppStore((s) => s.loadPlots);
  const setFilter = useAppStore((s) => s.setFilter);
  const classIndex = useAppStore((s) => s.filter.classIndex);
  useEffect(() => {
    void loadPlots();
  }, [loadPlots]);
  const sorted = [...distribution].sort((a, b) => b.count - a.count);
  const shown = sorted.slice(0, MAX_BARS);
  const others = sorted.slice(MAX_BARS).reduce((sum, entry) => sum + entry.count, 0);
  const maxCount = Math.max(1, ...shown.map((entry) => entry.count));
  return (
    <div className="panel plots-panel">
      <PanelHeader title="Plots" />
      <section>
        <h3>Predicted classes</h3>
        {shown.length === 0 ? (
          <p className="muted">No predictions yet.</p>
        ) : (
          <ul className="class-bars" data-testid="class-distribution">
            {shown.map((entry) => (
              <li
                key={entry.index}
                className={classIndex === entry.index ? 'active' : ''}
                data-class-index={entry.index}
                data-count={entry.count}
              >
                <button
                  type="button"
                  onClick={() => setFilter({ classIndex: classIndex === entry.index ? null : entry.index })}
                  title="Filter the grid by this class"
                >
                  <span className="class-name">{className(entry.name)}</span>
                  <span className="bar" aria-hidden="true">
                    <span style={{ width: `${((entry.count / maxCount) * 100).toFixed(1)}%` }} />
                  </span>
                  <span className="count">{formatCount(entry.count)}</span>
                </button>
              </li>
            ))}
            {others > 0 && (
              <li className="others">
                <span>
                  {sorted.length - MAX_BARS} more classes: {formatCount(others)}
                </span>
              </li>
            )}
          </ul>
        )}
      </section>
      <section>
        <h3>Top-1 confidence</h3>
        <Histogram counts={histogram} />
      </section>
    </div>
  );
}

function Histogram({ counts }: { counts: number[] }) {
  const width = 300;
  const height = 120;
  const max = Math.max(1, ...counts);
  const barWidth = width / Math.max(1, counts.length);
  return (
    <svg
      className="histogram"
      data-testid="confidence-histogram"
      viewBox={`0 0 ${width} ${height + 16}`}
      role="img"
      aria-label="Histogram of top-1 confidence"
    >
      {counts.map((count, i) => {
        const h = (count / max) * height;
        return (
          <rect key={i} x={i * barWidth + 1} y={height - h} width={barWidth - 2} height={h} data-count={count}>
            <title>{`${((i / counts.length) * 100).toFixed(0)}–${(((i + 1) / counts.length) * 100).toFixed(0)}%: ${count}`}</title>
          </rect>
        );
      })}
      <line x1={0} x2={width} y1={height + 0.5} y2={height + 0.5} />
      <text x={0} y={height + 13}>
        0%
      </text>
      <text x={width / 2} y={height + 13} textAnchor="middle">
        50%
      </text>
      <text x={width} y={height + 13} textAnchor="end">
        100%
      </text>
    </svg>
  );
}
