/** Before a library is open: open a folder (dialog, path, drop) or a recent one. */
import { useState } from 'react';
import { useAppStore } from '../store/context.js';

export function Welcome() {
  const canPickFolder = useAppStore((s) => s.appInfo?.canPickFolder ?? false);
  const recent = useAppStore((s) => s.recent);
  const opening = useAppStore((s) => s.opening);
  const openLibrary = useAppStore((s) => s.openLibrary);
  const openLibraryDialog = useAppStore((s) => s.openLibraryDialog);
  const [path, setPath] = useState('');
  return (
    <div className="welcome">
      <div className="welcome-card">
        <h1>Open a photo folder</h1>
        <p className="muted">Fieldmark scans the folder, classifies every photo with the chosen model, and keeps the results in a catalog beside your settings. Your photos are never modified.</p>
        {canPickFolder && (
          <button type="button" className="primary" disabled={opening} onClick={() => void openLibraryDialog()}>
            Open Folder…
          </button>
        )}
        <form
          className="path-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (path.trim()) void openLibrary(path.trim());
          }}
        >
          <input type="text" value={path} placeholder={canPickFolder ? 'or type a folder path' : 'Folder path on the server'} onChange={(event) => setPath(event.target.value)} aria-label="Folder path" data-testid="open-path" />
          <button type="submit" disabled={opening || !path.trim()}>
            Open
          </button>
        </form>
        {canPickFolder && <p className="hint">You can also drop a folder on this window.</p>}
        {recent.length > 0 && (
          <section>
            <h3>Recent</h3>
            <ul className="recent">
              {recent.map((entry) => (
                <li key={entry.root}>
                  <button type="button" className="link" onClick={() => void openLibrary(entry.root)} title={entry.root}>
                    {entry.root}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
