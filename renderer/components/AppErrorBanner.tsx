/** The banner over the grid when the library's model cannot be used: the engine's words and the buttons that fix it. */
import { useAppStore } from '../store/context.js';

export function AppErrorBanner() {
  const problem = useAppStore((s) => s.modelProblem);
  const download = useAppStore((s) => s.downloadModel);
  const setModelsOpen = useAppStore((s) => s.setModelsOpen);
  if (!problem) return null;
  return (
    <div className="app-error" role="alert" data-testid="app-error" data-kind={problem.kind}>
      <span className="app-error-message">{problem.message}</span>
      {problem.downloadId !== null && (
        <button type="button" data-testid="app-error-download" onClick={() => void download(problem.downloadId!)}>
          Download {problem.downloadId}
        </button>
      )}
      <button type="button" onClick={() => setModelsOpen(true)}>
        {problem.fix === 'import' ? 'Import a checkpoint…' : 'Choose a model…'}
      </button>
    </div>
  );
}
