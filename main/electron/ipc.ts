/**
 * The contract over Electron IPC: one `invoke` channel for requests (validated by the same
 * dispatcher as the WebSocket) and one channel for events. Requests from any frame other than
 * the app's own main frame are refused. Indexing progress also drives the taskbar/dock progress.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { AppService } from '../app/app-service.js';
import { IPC_CHANNELS } from '../contract/bridge.js';
import { dispatchRequest } from '../contract/dispatch.js';
import type { AppEvent } from '../contract/events.js';
import type { IndexingStatus, Reply } from '../contract/types.js';
import { APP_ORIGIN } from './protocol.js';

export function bindIpc(
  service: Pick<AppService, 'handlers' | 'onEvent'>,
  getWindow: () => BrowserWindow | null,
): () => void {
  ipcMain.handle(
    IPC_CHANNELS.call,
    async (event: IpcMainInvokeEvent, method: unknown, input: unknown): Promise<Reply<unknown>> => {
      const frame = event.senderFrame;
      const window = getWindow();
      if (
        !frame ||
        !window ||
        event.sender !== window.webContents ||
        frame.parent !== null ||
        !frame.url.startsWith(`${APP_ORIGIN}/`)
      ) {
        return {
          ok: false,
          error: {
            kind: 'InvalidArgument',
            message: `request refused: expected the app's own window, received a request from ${frame?.url ?? 'an unknown frame'}`,
          },
        };
      }
      return dispatchRequest(service.handlers, method, input);
    },
  );
  const unsubscribe = service.onEvent((event: AppEvent) => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return;
    window.webContents.send(IPC_CHANNELS.event, event);
    if (event.type === 'indexing') showTaskbarProgress(window, event.status);
  });
  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.call);
    unsubscribe();
  };
}

function showTaskbarProgress(window: BrowserWindow, status: IndexingStatus): void {
  const fraction = status.toProcess > 0 ? Math.min(1, status.done / status.toProcess) : 0;
  switch (status.state) {
    case 'scanning':
      window.setProgressBar(2, { mode: 'indeterminate' }); // >1 means indeterminate on every platform
      return;
    case 'running':
      window.setProgressBar(fraction, { mode: 'normal' });
      return;
    case 'paused':
      window.setProgressBar(fraction, { mode: 'paused' });
      return;
    case 'failed':
      window.setProgressBar(1, { mode: 'error' });
      return;
    case 'idle':
    case 'finished':
    case 'cancelled':
      window.setProgressBar(-1);
      return;
    default:
      status.state satisfies never;
  }
}
