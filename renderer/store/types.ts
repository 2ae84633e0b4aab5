/** The store's shape: one slice per feature, combined into one zustand store. */
import type { StateCreator } from 'zustand';
import type { Transport } from '../transport/transport.js';
import type { DetailSlice } from './detail-slice.js';
import type { GridSlice } from './grid-slice.js';
import type { IndexingSlice } from './indexing-slice.js';
import type { LabellingSlice } from './labelling-slice.js';
import type { SimilaritySlice } from './similarity-slice.js';
import type { LibrarySlice } from './library-slice.js';
import type { SelectionSlice } from './selection-slice.js';
import type { PlotsSlice } from './plots-slice.js';
import type { SettingsSlice } from './settings-slice.js';
import type { UiSlice } from './ui-slice.js';
import type { QuantizeSlice } from './quantize-slice.js';
import type { LearningSlice } from './learning-slice.js';
import type { ModelsSlice } from './models-slice.js';

export type Store = LibrarySlice &
  GridSlice &
  DetailSlice &
  IndexingSlice &
  SettingsSlice &
  PlotsSlice &
  UiSlice &
  SelectionSlice &
  LabellingSlice &
  SimilaritySlice &
  QuantizeSlice &
  LearningSlice &
  ModelsSlice;

/** A slice creator that also gets the transport its actions call. */
export type SliceCreator<Slice> = (transport: Transport) => StateCreator<Store, [], [], Slice>;
