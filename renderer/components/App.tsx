/** The window: top bar, filter bar, grid and side panel; the welcome screen until a library is open. */
import { useKeyboard } from './use-keyboard.js';
import { useSimilarityKeys } from './use-similarity-keys.js';
import { SimilarityLayer } from './SimilarityLayer.js';
import { useAppStore } from '../store/context.js';
import { TopBar } from './TopBar.js';
import { FilterBar } from './FilterBar.js';
import { Grid } from './Grid.js';
import { SidePanel } from './SidePanel.js';
import { HelpOverlay } from './HelpOverlay.js';
import { Toasts } from './Toasts.js';
import { Welcome } from './Welcome.js';
import { LabelPicker } from './LabelPicker.js';
import { Viewer } from './Viewer.js';
import { useFolderDrop } from './use-folder-drop.js';
import { TrainPanel } from './TrainPanel.js';
import { EvaluationView } from './EvaluationView.js';
import { SuspectsView } from './SuspectsView.js';
import { AppErrorBanner } from './AppErrorBanner.js';
import { FolderTree } from './FolderTree.js';
import { ModelsPanel } from './ModelsPanel.js';
import { OpenFolderDialog } from './OpenFolder.js';

export function App() {
  const hasLibrary = useAppStore((s) => s.library !== null);
  const connected = useAppStore((s) => s.connected);
  const sidePanel = useAppStore((s) => s.sidePanel);
  useKeyboard();
  useSimilarityKeys();
  const dropProps = useFolderDrop();
  return (
    <div className="app" {...dropProps}>
      <TopBar />
      {!connected && (
        <div className="banner" role="status">
          Connecting to Fieldmark…
        </div>
      )}
      {hasLibrary ? (
        <>
          <FilterBar />
          <AppErrorBanner />
          <main className={sidePanel ? 'workspace with-panel' : 'workspace'}>
            <FolderTree />
            <Grid />
            <SimilarityLayer />
            {sidePanel && <SidePanel panel={sidePanel} />}
          </main>
        </>
      ) : (
        <Welcome />
      )}
      {hasLibrary && <LabelPicker />}
      {hasLibrary && <Viewer />}
      {/* The action bar's strip: the similarity and learning bars sit in it, clear of the grid. */}
      {hasLibrary && <footer className="actionbar" aria-label="Actions" />}
      {hasLibrary && <TrainPanel />}
      {hasLibrary && <EvaluationView />}
      {hasLibrary && <SuspectsView />}
      <ModelsPanel />
      <OpenFolderDialog />
      <HelpOverlay />
      <Toasts />
    </div>
  );
}
