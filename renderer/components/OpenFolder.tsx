/**
 * Opening a folder from any front end: a path field with completion from the engine's machine, a
 * folder browser limited to what the user there can read, and the recent libraries.
 */
import { useEffect, useState } from 'react';
import type { FolderListing } from '../../main/contract/model-types.js';
import { useAppStore } from '../store/context.js';

/** The folder whose sub-folders complete `typed`, and the partial name after it. */
function splitTyped(typed: string): { parent: string; partial: string } {
  const slash = Math.max(typed.lastIndexOf('/'), typed.lastIndexOf('\\'));
  if (slash < 0) return { parent: '', partial: typed };
  return { parent: typed.slice(0, slash + 1) || '/', partial: typed.slice(slash + 1) };
}

function joinPath(folder: string, name: string): string {
  return folder.endsWith('/') || folder.endsWith('\\') ? `${folder}${name}` : `${folder}/${name}`;
}

export function OpenFolderForm() {
  const canPickFolder = useAppStore((s) => s.appInfo?.canPickFolder ?? false);
  const recent = useAppStore((s) => s.recent);
  const opening = useAppStore((s) => s.opening);
  const openLibrary = useAppStore((s) => s.openLibrary);
  const openLibraryDialog = useAppStore((s) => s.openLibraryDialog);
  const browseFolders = useAppStore((s) => s.browseFolders);
  const setOpenFolderOpen = useAppStore((s) => s.setOpenFolderOpen);
  const [path, setPath] = useState('');
  const [completions, setCompletions] = useState<string[]>([]);
  const [listing, setListing] = useState<FolderListing | null>(null);

  // Completion: the sub-folders of what is typed so far, on the engine's machine.
  useEffect(() => {
    const { parent, partial } = splitTyped(path);
    if (!parent) return setCompletions([]);
    let current = true;
    void browseFolders(parent).then((result) => {
      if (!current) return;
      setCompletions(
        (result?.folders ?? [])
          .filter((name) => name.startsWith(partial))
          .slice(0, 50)
          .map((name) => joinPath(result!.path, name)),
      );
    });
    return () => {
      current = false;
    };
  }, [path, browseFolders]);

  const open = (root: string) => {
    setOpenFolderOpen(false);
    void openLibrary(root);
  };
  const browse = (folder: string | undefined) =>
    void browseFolders(folder).then((result) => result && setListing(result));

  return (
    <div className="open-folder">
      {canPickFolder && (
        <button type="button" className="primary" disabled={opening} onClick={() => void openLibraryDialog()}>
          Open Folder…
        </button>
      )}
      <form
        className="path-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (path.trim()) open(path.trim());
        }}
      >
        <input
          type="text"
          value={path}
          list="folder-completions"
          placeholder={canPickFolder ? 'or type a folder path' : 'Folder path on the server'}
          onChange={(event) => setPath(event.target.value)}
          aria-label="Folder path"
          data-testid="open-path"
        />
        <datalist id="folder-completions">
          {completions.map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
        <button type="submit" disabled={opening || !path.trim()} data-testid="open-path-submit">
          Open
        </button>
        <button type="button" onClick={() => browse(path.trim() || listing?.path)} data-testid="open-browse">
          Browse…
        </button>
      </form>
      {listing && (
        <div className="folder-browser" data-testid="folder-browser">
          <div className="folder-browser-path">
            {listing.parent !== null && (
              <button type="button" className="link" onClick={() => browse(listing.parent!)}>
                ↑
              </button>
            )}
            <code>{listing.path}</code>
            <button type="button" onClick={() => open(listing.path)} data-testid="folder-browser-open">
              Open this folder
            </button>
          </div>
          <ul>
            {listing.folders.map((name) => (
              <li key={name}>
                <button
                  type="button"
                  className="link"
                  onClick={() => browse(joinPath(listing.path, name))}
                  onDoubleClick={() => open(joinPath(listing.path, name))}
                >
                  {name}/
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {recent.length > 0 && (
        <section>
          <h3>Recent</h3>
          <ul className="recent" data-testid="recent-libraries">
            {recent.map((entry) => (
              <li key={entry.root}>
                <button type="button" className="link" onClick={() => open(entry.root)} title={entry.root}>
                  {entry.root}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** The same form as a dialog over an open library (the top bar's "Open…"). */
export function OpenFolderDialog() {
  const open = useAppStore((s) => s.openFolderOpen);
  const setOpen = useAppStore((s) => s.setOpenFolderOpen);
  if (!open) return null;
  return (
    <div
      className="overlay"
      role="dialog"
      aria-label="Open a folder"
      onClick={(event) => event.target === event.currentTarget && setOpen(false)}
    >
      <section className="open-folder-dialog" data-testid="open-folder-dialog">
        <header>
          <h2>Open a folder</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => setOpen(false)}>
            ×
          </button>
        </header>
        <OpenFolderForm />
      </section>
    </div>
  );
}
