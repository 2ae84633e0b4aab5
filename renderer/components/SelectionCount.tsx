/** How many images the next labelling action applies to; always visible while a library is open. */
import { useAppStore, useStoreApi } from '../store/context.js';
import { formatCount } from '../format.js';

export function SelectionCount() {
  const store = useStoreApi();
  const count = useAppStore((s) => s.selection.ids.length);
  const labelling = useAppStore((s) => s.labelling);
  return (
    <span
      className={`selection-count${count > 0 ? ' active' : ''}`}
      data-testid="selection-count"
      data-count={count}
      aria-live="polite"
    >
      {formatCount(count)} selected
      {labelling && <span className="spinner" aria-label="Labelling…" />}
      {count > 0 && (
        <button
          type="button"
          className="link"
          onClick={() => store.getState().clearSelection()}
          title="Clear the selection (Esc)"
        >
          clear
        </button>
      )}
      {count > 0 && (
        <button
          type="button"
          className="small-button"
          onClick={() => store.getState().setPickerOpen(true)}
          title="Label the selection (l)"
        >
          Label…
        </button>
      )}
    </span>
  );
}
