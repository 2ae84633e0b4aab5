/**
 * Learning's keys: `t` trains (again) from the labels as they are now, so "label more, retrain"
 * is one keystroke; Escape closes the evaluation and likely-mistakes views. Capture phase, like
 * the similarity keys, so it runs before the grid's key map.
 */
import { useEffect } from 'react';
import { useStoreApi } from '../store/context.js';
import { isTyping } from './use-keyboard.js';

export function useLearningKeys(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const state = store.getState();
      if (event.defaultPrevented || isTyping(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
      if (state.pickerOpen || state.helpOpen || state.viewerOpen || state.library === null) return;
      if (event.key === 'Escape' && (state.evaluationOpen || state.suspects !== null)) {
        event.preventDefault();
        event.stopPropagation();
        state.closeEvaluation();
        state.closeSuspects();
        return;
      }
      if (!event.shiftKey && event.key === 't' && state.training?.state !== 'running') {
        event.preventDefault();
        event.stopPropagation();
        void state.startTraining();
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [store]);
}
