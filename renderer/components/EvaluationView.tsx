/**
 * The evaluation of the current model against the user's labels: top-1 / top-5, calibration,
 * per-class precision / recall / F1 and the confusion matrix; a cell shows its images in the grid.
 */
import { useAppStore } from '../store/context.js';

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

const overlayStyle = {
  position: 'fixed',
  inset: '48px 48px',
  overflow: 'auto',
  background: 'var(--surface)',
  color: 'var(--text)',
  boxShadow: 'var(--shadow)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  padding: 16,
  zIndex: 30,
} as const;

export function EvaluationView() {
  const open = useAppStore((s) => s.evaluationOpen);
  const evaluation = useAppStore((s) => s.evaluation);
  const close = useAppStore((s) => s.closeEvaluation);
  const showCell = useAppStore((s) => s.showConfusionCell);
  if (!open) return null;
  if (!evaluation)
    return (
      <div style={overlayStyle} data-testid="evaluation-view" aria-busy="true">
        Evaluating…
      </div>
    );
  const maxCount = Math.max(1, ...evaluation.confusion.flat());
  return (
    <div style={overlayStyle} data-testid="evaluation-view" role="dialog" aria-label="Evaluation">
      <button type="button" style={{ float: 'right' }} onClick={close}>
        Close
      </button>
      <h2>Evaluation of {evaluation.modelId}</h2>
      <p>
        On {evaluation.count} images you labelled:{' '}
        <strong data-testid="accuracy" data-top1={evaluation.top1.toFixed(4)}>
          top-1 {percent(evaluation.top1)}
        </strong>
        , top-5 {percent(evaluation.top5)}, macro-F1 {evaluation.macroF1.toFixed(3)}, expected calibration error{' '}
        {percent(evaluation.ece)}
      </p>
      <table
        data-testid="confusion-matrix"
        data-classes={evaluation.classes.join('|')}
        style={{ borderCollapse: 'collapse' }}
      >
        <thead>
          <tr>
            <th title="true label (rows) / predicted (columns)">true \ predicted</th>
            {evaluation.classes.map((label) => (
              <th key={label} style={{ writingMode: 'vertical-rl', padding: 2 }}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {evaluation.confusion.map((row, r) => (
            <tr key={evaluation.classes[r]}>
              <th style={{ textAlign: 'right', paddingRight: 6 }}>{evaluation.classes[r]}</th>
              {row.map((count, c) => {
                const truth = evaluation.classes[r]!;
                const predicted = evaluation.classes[c]!;
                const shade = Math.round(40 + (180 * count) / maxCount);
                return (
                  <td key={predicted} style={{ padding: 0 }}>
                    <button
                      type="button"
                      data-testid="confusion-cell"
                      data-true={truth}
                      data-predicted={predicted}
                      data-count={count}
                      disabled={count === 0}
                      title={`${count} labelled "${truth}", predicted "${predicted}"`}
                      onClick={() => showCell(truth, predicted)}
                      style={{
                        width: 34,
                        height: 28,
                        border: 'none',
                        background: count ? `rgb(30, ${shade}, ${r === c ? 90 : 160})` : 'transparent',
                        color: 'white',
                      }}
                    >
                      {count || ''}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Per label</h3>
      <table>
        <thead>
          <tr>
            <th>label</th>
            <th>images</th>
            <th>precision</th>
            <th>recall</th>
            <th>F1</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.perClass.map((m) => (
            <tr key={m.label}>
              <td>{m.label}</td>
              <td>{m.support}</td>
              <td>{m.precision.toFixed(3)}</td>
              <td>{m.recall.toFixed(3)}</td>
              <td>{m.f1.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Reliability</h3>
      <svg width={300} height={120} role="img" aria-label="reliability diagram">
        <line x1={0} y1={120} x2={300} y2={0} stroke="#888" strokeDasharray="4 3" />
        {evaluation.reliability
          .filter((bin) => bin.count > 0)
          .map((bin) => (
            <rect
              key={bin.lower}
              x={bin.lower * 300}
              y={120 - bin.accuracy * 120}
              width={(bin.upper - bin.lower) * 300 - 1}
              height={bin.accuracy * 120}
              fill="#4a7bd0"
            >
              <title>{`${bin.count} images, confidence ${bin.confidence.toFixed(2)}, accuracy ${bin.accuracy.toFixed(2)}`}</title>
            </rect>
          ))}
      </svg>
    </div>
  );
}
