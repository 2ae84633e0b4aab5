/** The library's counts, kept current from the event stream (tests read the data attributes). */
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../store/context.js';
import { formatCount } from '../format.js';

export function LibraryStats() {
  const { total, indexed, failed, pending, labelled } = useAppStore(useShallow((s) => s.stats));
  const togglePanel = useAppStore((s) => s.togglePanel);
  const showFailed = useAppStore((s) => s.showFailedFiles);
  return (
    <div
      className="library-stats"
      data-testid="library-stats"
      data-total={total}
      data-indexed={indexed}
      data-failed={failed}
      data-pending={pending}
      data-labelled={labelled}
    >
      <span>
        <strong>{formatCount(total)}</strong> images
      </span>
      <span>
        <strong>{formatCount(indexed)}</strong> indexed
      </span>
      <button type="button" className="link" onClick={() => togglePanel('labels')} title="Labels panel (b)">
        <strong>{formatCount(labelled)}</strong> labelled
      </button>
      {failed > 0 && (
        <button type="button" className="link failed-count" onClick={showFailed} title="Show the failed files">
          <strong>{formatCount(failed)}</strong> failed
        </button>
      )}
    </div>
  );
}
