/** The top bar: library name, counts, indexing progress and the panel buttons. */
import { useAppStore } from '../store/context.js';
import { IndexingProgress } from './IndexingProgress.js';
import { LibraryStats } from './LibraryStats.js';
import type { SidePanel } from '../store/ui-slice.js';

const PANEL_BUTTONS: { panel: SidePanel; label: string; key: string }[] = [
  { panel: 'labels', label: 'Labels', key: 'b' },
  { panel: 'indexing', label: 'Indexing', key: 'i' },
  { panel: 'plots', label: 'Plots', key: 'p' },
  { panel: 'settings', label: 'Settings', key: ',' },
];

export function TopBar() {
  const library = useAppStore((s) => s.library);
  const sidePanel = useAppStore((s) => s.sidePanel);
  const togglePanel = useAppStore((s) => s.togglePanel);
  const setHelpOpen = useAppStore((s) => s.setHelpOpen);
  const canPickFolder = useAppStore((s) => s.appInfo?.canPickFolder ?? false);
  const openLibraryDialog = useAppStore((s) => s.openLibraryDialog);
  const setModelsOpen = useAppStore((s) => s.setModelsOpen);
  const setOpenFolderOpen = useAppStore((s) => s.setOpenFolderOpen);
  return (
    <header className="topbar">
      <div className="brand" aria-label="Fieldmark">
        <span className="brand-mark" aria-hidden="true" />
        Fieldmark
      </div>
      {library && (
        <div className="library-name" title={library.root}>
          {canPickFolder ? (
            <button
              type="button"
              className="link"
              onClick={() => void openLibraryDialog()}
              title={`${library.root}\nOpen another folder…`}
            >
              {library.name}
            </button>
          ) : (
            <span>{library.name}</span>
          )}
          {library.model && (
            <span
              className={library.model.trained ? 'model-chip' : 'model-chip untrained'}
              title={
                library.model.trained
                  ? library.model.id
                  : `${library.model.id}: seeded, untrained weights; predictions are meaningless`
              }
            >
              {library.model.architecture} · {library.model.labelSet}
              {!library.model.trained && ' · untrained'}
            </span>
          )}
        </div>
      )}
      {library && <LibraryStats />}
      {library && <IndexingProgress />}
      <nav className="topbar-actions" aria-label="Panels">
        {library &&
          PANEL_BUTTONS.map(({ panel, label, key }) => (
            <button
              key={panel}
              type="button"
              className={sidePanel === panel ? 'tab active' : 'tab'}
              aria-pressed={sidePanel === panel}
              onClick={() => togglePanel(panel)}
              title={`${label} (${key})`}
            >
              {label}
            </button>
          ))}
        {library && (
          <button
            type="button"
            className="tab"
            data-testid="open-folder"
            onClick={() => setOpenFolderOpen(true)}
            title="Open another folder"
          >
            Open…
          </button>
        )}
        <button
          type="button"
          className="tab"
          data-testid="open-models"
          onClick={() => setModelsOpen(true)}
          title="Models"
        >
          Models
        </button>
        <button
          type="button"
          className="tab icon"
          onClick={() => setHelpOpen(true)}
          title="Keyboard shortcuts (?)"
          aria-label="Keyboard shortcuts"
        >
          ?
        </button>
      </nav>
    </header>
  );
}
