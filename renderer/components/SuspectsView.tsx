/**
 * Likely label mistakes: the user's labels that the cross-validated head and the nearest
 * neighbours disagree with, most suspect first, each with the label the evidence points to, one
 * click away.
 */
import { useAppStore } from '../store/context.js';

const overlayStyle = {
  position: 'fixed',
  right: 12,
  bottom: 150,
  width: 520,
  maxHeight: '60vh',
  overflow: 'auto',
  background: 'var(--surface)',
  border: '1px solid var(--border)',
  borderRadius: 8,
  padding: 12,
  color: 'var(--text)',
  boxShadow: 'var(--shadow)',
  zIndex: 30,
} as const;

export function SuspectsView() {
  const suspects = useAppStore((s) => s.suspects);
  const close = useAppStore((s) => s.closeSuspects);
  const apply = useAppStore((s) => s.applySuggestedLabel);
  if (suspects === null) return null;
  return (
    <div style={overlayStyle} data-testid="suspects-view" role="dialog" aria-label="Likely label mistakes">
      <button type="button" style={{ float: 'right' }} onClick={close}>
        Close
      </button>
      <h3>Likely label mistakes</h3>
      {suspects.length === 0 && <p>Checking your labels…</p>}
      <table>
        <tbody>
          {suspects.map((item) => (
            <tr
              key={item.imageId}
              data-testid="suspect-row"
              data-path={item.relPath}
              data-label={item.label}
              data-suggested={item.suggested}
            >
              <td>{item.score.toFixed(2)}</td>
              <td title={item.relPath}>{item.relPath}</td>
              <td>
                “{item.label}” → “{item.suggested}”
              </td>
              <td>
                <button type="button" data-testid="suspect-apply" onClick={() => void apply(item)}>
                  Use “{item.suggested}”
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
