/** The keyboard help (`?`). */
import { useAppStore } from '../store/context.js';
import { KEYS } from './use-keyboard.js';

export function HelpOverlay() {
  const open = useAppStore((s) => s.helpOpen);
  const setHelpOpen = useAppStore((s) => s.setHelpOpen);
  if (!open) return null;
  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="true"
      aria-label="Keyboard shortcuts"
      data-testid="help-overlay"
      onClick={() => setHelpOpen(false)}
    >
      <div className="overlay-card" onClick={(event) => event.stopPropagation()}>
        <h2>Keyboard</h2>
        <dl className="keys">
          {KEYS.map(({ keys, action }) => (
            <div key={keys}>
              <dt>
                {keys.split(' ').map((key) => (
                  <kbd key={key}>{key}</kbd>
                ))}
              </dt>
              <dd>{action}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
