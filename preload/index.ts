/**
 * The preload: exposes one small object, `window.fieldmark`, through contextBridge. It forwards
 * requests and events on the contract's two channels and nothing else; the raw ipcRenderer never
 * reaches the page. Bundled to CommonJS because sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_CHANNELS, type FieldmarkBridge } from '../main/contract/bridge.js';
import type { AppEvent } from '../main/contract/events.js';
import type { Reply } from '../main/contract/types.js';

const bridge: FieldmarkBridge = {
  transport: 'electron',
  call: (method, input) => ipcRenderer.invoke(IPC_CHANNELS.call, method, input) as Promise<Reply<unknown>>,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, payload: AppEvent) => listener(payload);
    ipcRenderer.on(IPC_CHANNELS.event, handler);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.event, handler);
    };
  },
  pathForFile(file) {
    // Empty for files that do not come from the file system (e.g. dragged from a web page).
    const path = webUtils.getPathForFile(file);
    return path === '' ? null : path;
  },
};

contextBridge.exposeInMainWorld('fieldmark', bridge);
