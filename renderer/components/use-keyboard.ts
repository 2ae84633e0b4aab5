/**
 * The keyboard map (listed in the help overlay): arrows move the selection, Enter opens the
 * detail, Escape closes what is open, `?` shows the keys. Keys typed into a text field stay there.
 */
import { useEffect } from 'react';
import { useStoreApi } from '../store/context.js';

export const KEYS: { keys: string; action: string }[] = [
  { keys: '← → ↑ ↓', action: 'Move the selection' },
  { keys: 'PgUp PgDn', action: 'Move a screen up or down' },
  { keys: 'Home End', action: 'First or last image' },
  { keys: 'Enter', action: 'Open the detail panel' },
  { keys: 'Esc', action: 'Close the panel or overlay' },
  { keys: '/', action: 'Search file names' },
  { keys: 'c', action: 'Filter by class' },
  { keys: 'i', action: 'Indexing panel and failed files' },
  { keys: 'p', action: 'Plots' },
  { keys: ',', action: 'Settings' },
  { keys: 'Space', action: 'Pause or resume indexing' },
  { keys: '?', action: 'This help' },
];

const PAGE_ROWS = 4;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useKeyboard(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const state = store.getState();
      if (event.key === 'Escape') {
        if (isTyping(event.target)) (event.target as HTMLElement).blur();
        else if (state.helpOpen) state.setHelpOpen(false);
        else if (state.sidePanel) state.showPanel(null);
        else state.select(-1);
        return;
      }
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (state.helpOpen && event.key !== '?') return;
      const columns = state.columns;
      const actions: Record<string, () => void> = {
        ArrowRight: () => state.moveSelection(1),
        ArrowLeft: () => state.moveSelection(-1),
        ArrowDown: () => state.moveSelection(columns),
        ArrowUp: () => state.moveSelection(-columns),
        PageDown: () => state.moveSelection(columns * PAGE_ROWS),
        PageUp: () => state.moveSelection(-columns * PAGE_ROWS),
        Home: () => state.select(0),
        End: () => state.select((state.gridTotal ?? 0) - 1),
        Enter: () => state.openDetail(),
        '?': () => state.setHelpOpen(!state.helpOpen),
        '/': () => document.getElementById('path-search')?.focus(),
        c: () => document.getElementById('class-filter')?.focus(),
        i: () => state.togglePanel('indexing'),
        p: () => state.togglePanel('plots'),
        ',': () => state.togglePanel('settings'),
        ' ': () => {
          if (state.indexing?.state === 'running') void state.pauseIndexing();
          else if (state.indexing?.state === 'paused') void state.resumeIndexing();
        },
      };
      const action = actions[event.key];
      if (!action) return;
      // Buttons keep their own Enter/Space; everything else is ours.
      if ((event.key === 'Enter' || event.key === ' ') && event.target instanceof HTMLButtonElement) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
