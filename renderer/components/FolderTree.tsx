/** The library's folders beside the grid, with image counts; a click filters the grid to a folder (and below). */
import { useState } from 'react';
import type { FolderCount } from '../../main/contract/model-types.js';
import { useAppStore } from '../store/context.js';

function depthOf(path: string): number {
  return path === '' ? 0 : path.split('/').length;
}

function nameOf(path: string, rootName: string): string {
  return path === '' ? rootName : path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` shows: its parent chain is expanded (the root's children always show). */
function visible(path: string, collapsed: ReadonlySet<string>): boolean {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i += 1) if (collapsed.has(parts.slice(0, i).join('/'))) return false;
  return true;
}

export function FolderTree() {
  const folders = useAppStore((s) => s.folders);
  const rootName = useAppStore((s) => s.library?.name ?? '');
  const current = useAppStore((s) => s.filter.folder);
  const setFilter = useAppStore((s) => s.setFilter);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  if (folders.length <= 1) return null; // a flat folder needs no tree
  const hasChildren = (folder: FolderCount) =>
    folders.some(
      (other) => other.path !== folder.path && (folder.path === '' || other.path.startsWith(`${folder.path}/`)),
    );
  return (
    <nav className="folder-tree" data-testid="folder-tree" aria-label="Folders">
      <ul>
        {folders
          .filter((folder) => folder.path === '' || visible(folder.path, collapsed))
          .map((folder) => (
            <li key={folder.path} style={{ paddingLeft: `${depthOf(folder.path) * 12}px` }}>
              {folder.path !== '' && hasChildren(folder) ? (
                <button
                  type="button"
                  className="tree-toggle"
                  aria-label={collapsed.has(folder.path) ? 'Expand' : 'Collapse'}
                  onClick={() => {
                    const next = new Set(collapsed);
                    if (next.has(folder.path)) next.delete(folder.path);
                    else next.add(folder.path);
                    setCollapsed(next);
                  }}
                >
                  {collapsed.has(folder.path) ? '▸' : '▾'}
                </button>
              ) : (
                <span className="tree-toggle" />
              )}
              <button
                type="button"
                className={current === folder.path ? 'folder-node active' : 'folder-node'}
                data-testid="folder-node"
                data-path={folder.path}
                data-count={folder.count}
                aria-pressed={current === folder.path}
                onClick={() => setFilter({ folder: folder.path })}
                title={folder.path || rootName}
              >
                <span className="folder-name">{nameOf(folder.path, rootName)}</span>
                <span className="folder-count">{folder.count.toLocaleString()}</span>
              </button>
            </li>
          ))}
      </ul>
    </nav>
  );
}
