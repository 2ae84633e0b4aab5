/** The renderer's entry: picks the transport, builds the store, renders the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { setDropTransport } from './components/use-folder-drop.js';
import { createAppStore } from './store/index.js';
import { StoreContext } from './store/context.js';
import { pickTransport } from './transport/pick-transport.js';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
const transport = pickTransport();
setDropTransport(transport);
const store = createAppStore(transport);
createRoot(container).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
