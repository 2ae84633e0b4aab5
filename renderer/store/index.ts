/** The app's one store, built from the feature slices, and the event stream wired into it. */
import { create } from 'zustand';
import type { AppEvent } from '../../main/contract/events.js';
import type { Transport } from '../transport/transport.js';
import { createDetailSlice } from './detail-slice.js';
import { createGridSlice } from './grid-slice.js';
import { createLabellingSlice } from './labelling-slice.js';
import { createSelectionSlice } from './selection-slice.js';
import { createSimilaritySlice } from './similarity-slice.js';
import { createIndexingSlice } from './indexing-slice.js';
import { createLibrarySlice } from './library-slice.js';
import { createPlotsSlice } from './plots-slice.js';
import { createSettingsSlice } from './settings-slice.js';
import { createQuantizeSlice } from './quantize-slice.js';
import { createLearningSlice } from './learning-slice.js';
import { createModelsSlice } from './models-slice.js';
import type { Store } from './types.js';
import { createUiSlice } from './ui-slice.js';

export type { Store } from './types.js';

export function createAppStore(transport: Transport) {
  const useStore = create<Store>()((...a) => ({
    ...createLibrarySlice(transport)(...a),
    ...createGridSlice(transport)(...a),
    ...createDetailSlice(transport)(...a),
    ...createIndexingSlice(transport)(...a),
    ...createSettingsSlice(transport)(...a),
    ...createPlotsSlice(transport)(...a),
    ...createUiSlice(transport)(...a),
    ...createSelectionSlice(transport)(...a),
    ...createLabellingSlice(transport)(...a),
    ...createSimilaritySlice(transport)(...a),
    ...createQuantizeSlice(transport)(...a),
    ...createLearningSlice(transport)(...a),
    ...createModelsSlice(transport)(...a),
  }));
  transport.subscribe((event) => routeEvent(useStore.getState(), event));
  transport.onConnection((connected) => useStore.getState().setConnected(connected));
  return useStore;
}

export type AppStore = ReturnType<typeof createAppStore>;

/** Sends each event to the slice it concerns. */
function routeEvent(state: Store, event: AppEvent): void {
  switch (event.type) {
    case 'library-opened':
      state.setLibrary(event.library);
      void state.loadFolders();
      return;
    case 'stats':
      state.setStats(event.stats);
      state.scheduleFoldersRefresh();
      return;
    case 'indexing':
      state.setIndexing(event.status);
      if (event.status.state === 'finished' || event.status.state === 'failed' || event.status.state === 'cancelled') {
        state.scheduleGridRefresh();
        state.scheduleFailedRefresh();
      }
      return;
    case 'predictions':
      state.applyPredictions(event.items);
      state.reloadDetailIf(event.items.map((item) => item.imageId));
      return;
    case 'image-error':
      state.applyImageError(event.imageId, event.kind);
      state.scheduleFailedRefresh();
      return;
    case 'features':
      state.countFeatures(event.batch.imageIds.length, event.batch.dim);
      return;
    case 'settings':
      state.setSettings(event.settings);
      return;
    case 'labels.changed':
      state.onLabelsChanged(event);
      return;
    case 'quantize':
      state.setQuantize(event.status);
      return;
    case 'training':
      state.setTraining(event.status);
      return;
    case 'models.changed':
      state.setModelRows(event.rows);
      return;
    case 'model.problem':
      state.setModelProblem(event.problem);
      return;
    case 'error':
      state.notifyError(new Error(`${event.error.kind}: ${event.error.message}`));
      return;
    default:
      event satisfies never;
  }
}
