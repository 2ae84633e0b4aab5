/** Dropping a folder on the window opens it (Electron only: a browser cannot name a server path). */
import type { DragEvent } from 'react';
import { useAppStore } from '../store/context.js';
import type { Transport } from '../transport/transport.js';

let transportForDrop: Pick<Transport, 'pathForFile'> | null = null;

/** Set once at startup; the drop handler needs the platform's path lookup. */
export function setDropTransport(transport: Pick<Transport, 'pathForFile'>): void {
  transportForDrop = transport;
}

export function useFolderDrop(): { onDragOver: (event: DragEvent) => void; onDrop: (event: DragEvent) => void } {
  const openLibrary = useAppStore((s) => s.openLibrary);
  return {
    onDragOver: (event) => {
      if (event.dataTransfer.types.includes('Files')) event.preventDefault();
    },
    onDrop: (event) => {
      const file = event.dataTransfer.files[0];
      if (!file || !transportForDrop) return;
      event.preventDefault();
      const path = transportForDrop.pathForFile(file);
      if (path) void openLibrary(path);
    },
  };
}
