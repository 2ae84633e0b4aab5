/**
 * The desktop app's entry (package.json "main"): one instance, one locked-down window, the
 * contract over IPC, images over the fieldmark:// protocol. The engine (AppService: catalog, scan,
 * pipeline) runs in a utility process (engine-utility-host.ts, issue 12): this thread only routes.
 */
import { type BrowserWindow, app, dialog, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveAppPaths } from '../util/app-paths.js';
import type { EngineClient } from '../host/engine-client.js';
import { startEngineUtility } from './engine-utility-host.js';
import { toErrorData } from '../util/errors.js';
import { bindIpc } from './ipc.js';
import { parseLaunchArgs } from './launch-args.js';
import { installMenu } from './menu.js';
import { handleAppProtocol, registerAppScheme } from './protocol.js';
import { createMainWindow, lockDownSession } from './window.js';
import { windowStatePath } from './window-state.js';

const log = (message: string) => process.stderr.write(`${message}\n`);
// dist/main/electron/app.js → dist/
const distRoot = fileURLToPath(new URL('../../', import.meta.url));
const launch = parseLaunchArgs(process.argv.slice(app.isPackaged ? 1 : 2));
for (const problem of launch.problems) log(`fieldmark: ${problem}`);

// Tests (and portable setups) keep their settings out of the user's profile.
if (process.env.FIELDMARK_USER_DATA) app.setPath('userData', process.env.FIELDMARK_USER_DATA);
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let service: EngineClient | null = null;

  const openFolder = async (root: string) => {
    try {
      await service?.openLibrary(root);
      refreshMenu();
    } catch (error) {
      const data = toErrorData(error);
      log(`fieldmark: cannot open ${root}: ${data.message}`);
      if (window)
        void dialog.showMessageBox(window, { type: 'error', message: `Cannot open ${root}`, detail: data.message });
    }
  };
  const pickFolder = async (): Promise<string | null> => {
    const options = { title: 'Open a photo folder', properties: ['openDirectory' as const] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  const refreshMenu = () =>
    installMenu({
      openFolder: () => void pickFolder().then((folder) => (folder ? openFolder(folder) : undefined)),
      openRecent: (root) => void openFolder(root),
      recent: () => service?.recent ?? [],
    });

  app.on('second-instance', (_event, argv) => {
    const again = parseLaunchArgs(argv.slice(app.isPackaged ? 1 : 2));
    if (again.open) void openFolder(again.open);
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  app
    .whenReady()
    .then(async () => {
      lockDownSession();
      // The engine runs in a utility process (issue 12); the dialog and the trash stay here and
      // answer its requests.
      service = await startEngineUtility(
        {
          paths: { userDataDir: app.getPath('userData'), cacheDir: resolveAppPaths(process.env).cacheDir },
          env: process.env,
          version: app.getVersion(),
          transport: 'electron',
          cwd: process.cwd(),
          canPickFolder: true,
          canTrashFiles: true,
          overrides: launch.overrides,
        },
        {
          log,
          pickFolder,
          // Duplicates go to the OS trash (recoverable), never deleted; the renderer asks for confirmation first.
          trashFiles: async (paths) => {
            for (const path of paths) await shell.trashItem(path);
          },
        },
      );
      // The renderer can open a folder too (its dialog, its recent list): keep the menu's list current.
      service.onEvent((event) => {
        // Every engine error reaches the log as well as the screen (issue 13).
        if (event.type === 'error') log(`fieldmark: ${event.error.kind}: ${event.error.message}`);
        if (event.type === 'library-opened')
          void service
            ?.refreshRecent()
            .then(refreshMenu, (error: unknown) => log(`fieldmark: ${toErrorData(error).message}`));
      });
      handleAppProtocol(service, join(distRoot, 'renderer'), log);
      const unbind = bindIpc(service, () => window);
      refreshMenu();
      window = createMainWindow({
        preloadPath: join(distRoot, 'preload', 'index.cjs'),
        stateFile: windowStatePath(app.getPath('userData')),
        ...(process.env.FIELDMARK_WINDOW_SIZE ? { forcedSize: process.env.FIELDMARK_WINDOW_SIZE } : {}),
        log,
      });
      window.on('closed', () => {
        window = null;
      });
      const initial = launch.open ?? (await service.refreshRecent())[0]?.root ?? null;
      if (initial) await openFolder(initial);
      app.on('window-all-closed', () => {
        unbind();
        const closing = service;
        service = null;
        void closing?.close().finally(() => app.quit());
      });
    })
    .catch((error: unknown) => {
      log(`fieldmark: the app failed to start: ${toErrorData(error).message}`);
      app.exit(1);
    });
}
