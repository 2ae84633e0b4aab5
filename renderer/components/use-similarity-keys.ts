/**
 * Similarity's keys: `s` finds images like the selection (or the focused image), and in the
 * results view Ctrl/⌘+A selects the results at or above the threshold (instead of the whole
 * library), so "find → select → label" is `s`, Ctrl/⌘+A, `l`. A pasted picture is a query.
 * Listens in the capture phase so it runs before the grid's key map.
 */
import { useEffect } from 'react';
import { useStoreApi } from '../store/context.js';
import { isTyping } from './use-keyboard.js';

export function useSimilarityKeys(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const state = store.getState();
      if (event.defaultPrevented || isTyping(event.target) || event.altKey) return;
      if (state.pickerOpen || state.helpOpen || state.viewerOpen || state.library === null) return;
      const command = event.ctrlKey || event.metaKey;
      if (command && event.key.toLowerCase() === 'a' && state.similarityView === 'results') {
        event.preventDefault();
        event.stopPropagation();
        state.selectResultsAboveThreshold();
        return;
      }
      if (!command && !event.shiftKey && event.key === 's') {
        event.preventDefault();
        event.stopPropagation();
        void state.findSimilar();
      }
    };
    const onPaste = (event: ClipboardEvent) => {
      if (isTyping(event.target) || store.getState().library === null) return;
      const image = [...(event.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (!image) return;
      event.preventDefault();
      void store.getState().findSimilarToFile(image, image.name || 'pasted picture');
    };
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('paste', onPaste);
    };
  }, [store]);
}
