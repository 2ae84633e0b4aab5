/** The window: top bar, filter bar, grid and side panel; the welcome screen until a library is open. */
import { useKeyboard } from './use-keyboard.js';
import { useAppStore } from '../store/context.js';
import { TopBar } from './TopBar.js';
import { FilterBar } from './FilterBar.js';
import { Grid } from './Grid.js';
import { SidePanel } from './SidePanel.js';
import { HelpOverlay } from './HelpOverlay.js';
import { Toasts } from './Toasts.js';
import { Welcome } from './Welcome.js';
import { useFolderDrop } from './use-folder-drop.js';

export function App() {
  const hasLibrary = useAppStore((s) => s.library !== null);
  const connected = useAppStore((s) => s.connected);
  const sidePanel = useAppStore((s) => s.sidePanel);
  useKeyboard();
  const dropProps = useFolderDrop();
  return (
    <div className="app" {...dropProps}>
      <TopBar />
      {!connected && <div className="banner" role="status">Connecting to Fieldmark…</div>}
      {hasLibrary ? (
        <>
          <FilterBar />
          <main className={sidePanel ? 'workspace with-panel' : 'workspace'}>
            <Grid />
            {sidePanel && <SidePanel panel={sidePanel} />}
          </main>
        </>
      ) : (
        <Welcome />
      )}
      <HelpOverlay />
      <Toasts />
    </div>
  );
}
