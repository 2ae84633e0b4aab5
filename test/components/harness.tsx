/**
 * A page that mounts a few of the renderer's components on their own (the selection count, the
 * label picker, a row of grid tiles) over the app's real store. The store's transport hands every
 * request to the test process (Playwright's exposeBinding `fieldmarkCall`), where a real
 * AppService answers through the contract's dispatcher; the test pushes the engine's events back
 * with `fieldmarkEvent`. Bundled by test/e2e/components.test.ts with esbuild.
 */
import { createRoot } from 'react-dom/client';
import type { AppEvent } from '../../main/contract/events.js';
import type { RequestMethod, RequestResult } from '../../main/contract/requests.js';
import type { Reply } from '../../main/contract/types.js';
import { LabelPicker } from '../../renderer/components/LabelPicker.js';
import { SelectionCount } from '../../renderer/components/SelectionCount.js';
import { Tile } from '../../renderer/components/Tile.js';
import { StoreContext, useAppStore } from '../../renderer/store/context.js';
import { type AppStore, createAppStore } from '../../renderer/store/index.js';
import { RequestError, type Transport } from '../../renderer/transport/transport.js';

declare global {
  interface Window {
    fieldmarkCall(method: string, input: unknown): Promise<Reply<unknown>>;
    fieldmarkEvent(event: AppEvent): void;
    fieldmarkStore: AppStore;
  }
}

const listeners = new Set<(event: AppEvent) => void>();
const connectionListeners = new Set<(connected: boolean) => void>();
const transport: Transport = {
  kind: 'web',
  async call<M extends RequestMethod>(method: M, input: unknown): Promise<RequestResult<M>> {
    const reply = await window.fieldmarkCall(method, input ?? {});
    if (!reply.ok) throw new RequestError(method, reply.error);
    return reply.value as RequestResult<M>;
  },
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  onConnection(listener) {
    connectionListeners.add(listener);
    return () => connectionListeners.delete(listener);
  },
  pathForFile: () => null,
};

window.fieldmarkEvent = (event) => {
  for (const listener of listeners) listener(event);
};
const store = createAppStore(transport);
window.fieldmarkStore = store;

const NO_IDS: number[] = [];

/** The first page's first tiles, laid out as the grid lays them out. */
function TileRow() {
  // A stable empty list: a new [] per call would make zustand's snapshot change on every read.
  const ids = useAppStore((s) => s.pages[0] ?? NO_IDS);
  const focused = useAppStore((s) => s.selectedIndex);
  return (
    <div className="tile-row" role="listbox">
      {ids.slice(0, 6).map((id, index) => (
        <Tile
          key={id}
          id={id}
          index={index}
          selected={focused === index}
          style={{ position: 'relative', display: 'inline-block', width: 160, height: 200 }}
        />
      ))}
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StoreContext.Provider value={store}>
    <SelectionCount />
    <LabelPicker />
    <TileRow />
  </StoreContext.Provider>,
);
for (const listener of connectionListeners) listener(true);
