/** The right-hand panel: detail, indexing, plots or settings, one at a time. */
import type { ReactNode } from 'react';
import { useAppStore } from '../store/context.js';
import type { SidePanel as Panel } from '../store/ui-slice.js';
import { DetailPanel } from './DetailPanel.js';
import { IndexingPanel } from './IndexingPanel.js';
import { LabelsPanel } from './LabelsPanel.js';
import { PlotsPanel } from './PlotsPanel.js';
import { SettingsPanel } from './SettingsPanel.js';

export function SidePanel({ panel }: { panel: Panel }) {
  return (
    <aside className="side-panel" aria-label={panel}>
      {panel === 'detail' && <DetailPanel />}
      {panel === 'indexing' && <IndexingPanel />}
      {panel === 'plots' && <PlotsPanel />}
      {panel === 'settings' && <SettingsPanel />}
      {panel === 'labels' && <LabelsPanel />}
    </aside>
  );
}

export function PanelHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="panel-header">
      <h2>{title}</h2>
      {children}
      <CloseButton />
    </div>
  );
}

function CloseButton() {
  const showPanel = useAppStore((s) => s.showPanel);
  return (
    <button
      type="button"
      className="icon-button"
      onClick={() => showPanel(null)}
      aria-label="Close panel"
      title="Close (Esc)"
    >
      ✕
    </button>
  );
}
