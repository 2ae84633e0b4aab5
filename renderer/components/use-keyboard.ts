/**
 * The keyboard map (listed in the help overlay). Arrows move the focus (and select it; Shift
 * extends the selection), labelling keys act on the selection (or the focused image), Escape
 * closes what is open, then clears the selection. Keys typed into a text field stay there; the
 * picker and the viewer handle their own keys first.
 */
import { useEffect } from 'react';
import { useStoreApi } from '../store/context.js';
import { imageIdAt } from '../store/grid-slice.js';
import type { Store } from '../store/types.js';

export const KEYS: { keys: string; action: string }[] = [
  { keys: '← → ↑ ↓', action: 'Move (Shift extends the selection)' },
  { keys: 'PgUp PgDn', action: 'Move a screen up or down' },
  { keys: 'Home End', action: 'First or last image' },
  { keys: 'Click', action: 'Select one; Shift+click a range; Ctrl/⌘+click toggles' },
  { keys: 'Ctrl/⌘+A', action: 'Select everything the filter shows' },
  { keys: 'l', action: 'Label the selection (picker: type, ↑ ↓, Enter)' },
  { keys: 'a', action: 'Accept the top-1 prediction for the selection' },
  { keys: '1 2 3 4 5', action: "Apply the focused image's k-th prediction" },
  { keys: 'g', action: "Give the focused image's suggested label (suspects filter)" },
  { keys: 'n', action: 'Next unlabelled image' },
  { keys: 's', action: 'Find similar to the selection (results: Ctrl/⌘+A selects those above the threshold)' },
  { keys: 'Del ⌫', action: 'Clear labels (asks above 100 images)' },
  { keys: 'Ctrl/⌘+Z', action: 'Undo a labelling step' },
  { keys: 'Ctrl/⌘+Shift+Z', action: 'Redo' },
  { keys: 'v', action: 'Full-size viewer (double-click too): wheel or + − zoom, 0 fits, drag pans' },
  { keys: '+ −', action: 'Thumbnail size (in the grid)' },
  { keys: 'Enter', action: 'Open the detail panel' },
  { keys: 'Esc', action: 'Close the panel or overlay, then clear the selection' },
  { keys: '/', action: 'Search file names' },
  { keys: 'c', action: 'Filter by class' },
  { keys: 'b', action: 'Labels panel: counts, vocabulary, CSV export and import' },
  { keys: 'i', action: 'Indexing panel and failed files' },
  { keys: 'p', action: 'Plots' },
  { keys: ',', action: 'Settings' },
  { keys: 'Space', action: 'Pause or resume indexing' },
  { keys: '?', action: 'This help' },
];

const PAGE_ROWS = 4;
const TILE_STEP = 30;

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Moves the focus by `delta` positions; the focused image becomes the selection (Shift: extends it). */
function moveFocus(state: Store, delta: number | 'first' | 'last', extend: boolean): void {
  const total = state.gridTotal ?? 0;
  if (total === 0) return;
  const current = state.selectedIndex;
  const target = delta === 'first' ? 0 : delta === 'last' ? total - 1 : current < 0 ? 0 : current + delta;
  const index = Math.max(0, Math.min(total - 1, target));
  if (extend && state.selection.anchorId === null && current >= 0) {
    const anchor = imageIdAt(state, current);
    if (anchor !== null) state.selectOnly(anchor, current);
  }
  state.select(index);
  const id = imageIdAt(state, index);
  if (id === null) return;
  if (extend) void state.selectRange(id, index);
  else state.selectOnly(id, index);
}

function confirmClear(count: number): boolean {
  return window.confirm(`Clear the labels of ${count.toLocaleString('en-US')} images? (Ctrl/⌘+Z undoes it.)`);
}

export function useKeyboard(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const state = store.getState();
      if (event.defaultPrevented) return; // the picker or the viewer took it
      if (event.key === 'Escape') {
        if (isTyping(event.target)) (event.target as HTMLElement).blur();
        else if (state.helpOpen) state.setHelpOpen(false);
        else if (state.pickerOpen) state.setPickerOpen(false);
        else if (state.viewerOpen) state.setViewerOpen(false);
        else if (state.sidePanel) state.showPanel(null);
        else {
          state.clearSelection();
          state.select(-1);
        }
        return;
      }
      if (isTyping(event.target) || event.altKey) return;
      if (state.pickerOpen) return;
      const command = event.ctrlKey || event.metaKey;
      if (command) {
        const key = event.key.toLowerCase();
        const commandActions: Record<string, () => void> = {
          a: () => void state.selectAll(),
          z: () => void (event.shiftKey ? state.redoLabels() : state.undoLabels()),
          y: () => void state.redoLabels(),
        };
        const action = commandActions[key];
        if (!action) return;
        event.preventDefault();
        action();
        return;
      }
      if (state.helpOpen && event.key !== '?') return;
      const columns = state.columns;
      const extend = event.shiftKey;
      const gridOnly: Record<string, () => void> = {
        ArrowRight: () => moveFocus(state, 1, extend),
        ArrowLeft: () => moveFocus(state, -1, extend),
        ArrowDown: () => moveFocus(state, columns, extend),
        ArrowUp: () => moveFocus(state, -columns, extend),
        PageDown: () => moveFocus(state, columns * PAGE_ROWS, extend),
        PageUp: () => moveFocus(state, -columns * PAGE_ROWS, extend),
        Home: () => moveFocus(state, 'first', extend),
        End: () => moveFocus(state, 'last', extend),
        '+': () => state.setTileSize(state.tileSize + TILE_STEP),
        '=': () => state.setTileSize(state.tileSize + TILE_STEP),
        '-': () => state.setTileSize(state.tileSize - TILE_STEP),
        Enter: () => state.openDetail(),
      };
      const anywhere: Record<string, () => void> = {
        '?': () => state.setHelpOpen(!state.helpOpen),
        '/': () => document.getElementById('path-search')?.focus(),
        c: () => document.getElementById('class-filter')?.focus(),
        i: () => state.togglePanel('indexing'),
        p: () => state.togglePanel('plots'),
        b: () => state.togglePanel('labels'),
        ',': () => state.togglePanel('settings'),
        l: () => state.setPickerOpen(true),
        a: () => void state.acceptTopPrediction(),
        g: () => void state.applyFocusedSuggestion(),
        n: () => void state.focusNextUnlabelled(),
        v: () => state.setViewerOpen(!state.viewerOpen),
        Delete: () => void state.clearLabels(confirmClear),
        Backspace: () => void state.clearLabels(confirmClear),
        ' ': () => {
          if (state.indexing?.state === 'running') void state.pauseIndexing();
          else if (state.indexing?.state === 'paused') void state.resumeIndexing();
        },
      };
      for (const k of ['1', '2', '3', '4', '5']) anywhere[k] = () => void state.applyPrediction(Number(k));
      // In the viewer, arrows and zoom keys are the viewer's (it handles them before this hook).
      const action = anywhere[event.key] ?? (state.viewerOpen ? undefined : gridOnly[event.key]);
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
