/** The application menu: Open Folder…, recent libraries, quit; view and window basics. */
import { Menu, app, type MenuItemConstructorOptions } from 'electron';
import type { RecentLibrary } from '../contract/types.js';

export interface MenuActions {
  openFolder(): void;
  openRecent(root: string): void;
  recent(): RecentLibrary[];
}

export function installMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const recent = actions.recent();
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        {
          label: 'Open Recent',
          enabled: recent.length > 0,
          submenu: recent.map((entry) => ({ label: entry.root, click: () => actions.openRecent(entry.root) })),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged
          ? []
          : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
