/** The store reaches components through context, so tests or a second window could make their own. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppStore, Store } from './index.js';

export const StoreContext = createContext<AppStore | null>(null);

export function useAppStore<T>(selector: (state: Store) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore: no StoreContext provider above this component');
  return useStore(store, selector);
}

/** The store's actions and non-reactive reads, for event handlers. */
export function useStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStoreApi: no StoreContext provider above this component');
  return store;
}
