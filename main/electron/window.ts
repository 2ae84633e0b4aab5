/**
 * The main window, locked down: context isolation and the sandbox on, no Node in the renderer,
 * navigation and new windows blocked, every permission request denied. Size and position are
 * restored from the last run.
 */
import { BrowserWindow, screen, session, shell } from 'electron';
import { APP_ORIGIN, APP_URL } from './protocol.js';
import { DEFAULT_SIZE, fitsOnDisplays, loadWindowState, saveWindowState, type WindowState } from './window-state.js';

export interface WindowOptions {
  preloadPath: string;
  stateFile: string;
  /** `WIDTHxHEIGHT` to force a size (tests), overriding the saved state. */
  forcedSize?: string;
  log: (message: string) => void;
}

/** Denies every permission (camera, notifications, …) for the default session: the app needs none. */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const saved = loadWindowState(options.stateFile, options.log);
  const forced = /^(\d{3,5})x(\d{3,5})$/.exec(options.forcedSize ?? '');
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const bounds = forced
    ? { width: Number(forced[1]), height: Number(forced[2]) }
    : saved.bounds && fitsOnDisplays(saved.bounds, workAreas)
      ? saved.bounds
      : DEFAULT_SIZE;
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Fieldmark',
    backgroundColor: '#141714',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (saved.maximized && !forced) window.maximize();
  window.once('ready-to-show', () => window.show());

  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never in an app window.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });

  const remember = () => {
    // Normal bounds, so a maximised window comes back maximised over the size it had before.
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    try {
      saveWindowState(options.stateFile, state);
    } catch (error) {
      options.log(`fieldmark: cannot save the window state: ${(error as Error).message}`);
    }
  };
  window.on('close', remember);
  void window.loadURL(APP_URL);
  return window;
}
