/**
 * Near-duplicate groups, largest first, each group's photos side by side with their similarity
 * to the group's first photo. A threshold slider regroups; "keep" marks keepers (the suggestion:
 * most pixels, then the biggest file). The rest can be selected (to label or inspect) and, in
 * the desktop app only, moved to the OS trash after an explicit confirmation. Nothing is deleted.
 */
import { useState } from 'react';
import type { DuplicateGroupView } from '../../main/contract/similarity-types.js';
import { useAppStore, useStoreApi } from '../store/context.js';
import { fileName, formatBytes, renditionUrl } from '../format.js';

export function DuplicatesPanel() {
  const store = useStoreApi();
  const groups = useAppStore((s) => s.duplicateGroups);
  const threshold = useAppStore((s) => s.duplicateThreshold);
  const busy = useAppStore((s) => s.duplicatesBusy);
  const canTrash = useAppStore((s) => s.appInfo?.transport === 'electron');
  const [draft, setDraft] = useState<number | null>(null);
  const commit = () => {
    if (draft !== null) void store.getState().setDuplicateThreshold(draft);
    setDraft(null);
  };
  return (
    <section
      className="duplicates-view"
      data-testid="duplicates-panel"
      data-busy={busy ? 'true' : 'false'}
      aria-label="Near-duplicates"
    >
      <nav className="breadcrumb">
        <button
          type="button"
          className="link"
          data-testid="similar-back"
          onClick={() => store.getState().backToLibrary()}
        >
          ← Library
        </button>
        {' › '}Near-duplicates
      </nav>
      <div className="similar-controls">
        <label>
          Similarity ≥ <strong>{(draft ?? threshold).toFixed(2)}</strong>
          <input
            type="range"
            min={0.5}
            max={1}
            step={0.01}
            value={draft ?? threshold}
            data-testid="duplicate-threshold"
            onChange={(event) => setDraft(Number(event.target.value))}
            onPointerUp={commit}
            onKeyUp={commit}
            onBlur={commit}
          />
        </label>
        <span className="muted" data-testid="duplicate-count" data-count={groups?.length ?? 0}>
          {groups ? `${groups.length} groups` : ''}
        </span>
        <button
          type="button"
          className="small-button"
          onClick={() => store.getState().selectNonKeepers()}
          title="Select every photo not marked keep (then l labels, or inspect them)"
        >
          Select the rest
        </button>
        {canTrash && (
          <button
            type="button"
            className="small-button danger"
            onClick={() =>
              void store
                .getState()
                .trashNonKeepers((n) =>
                  window.confirm(`Move ${n} photos to the trash? Keepers stay; the trash can restore the others.`),
                )
            }
          >
            Move the rest to the trash…
          </button>
        )}
        {busy && (
          <span className="muted" role="status">
            <span className="spinner" /> Grouping… a large library can take a minute or two
          </span>
        )}
      </div>
      <div className="duplicate-groups">
        {groups?.map((group) => (
          <Group key={group.members[0]!.tile.id} group={group} />
        ))}
        {groups && groups.length === 0 && !busy && <p className="muted">No near-duplicates at this threshold.</p>}
      </div>
    </section>
  );
}

function Group({ group }: { group: DuplicateGroupView }) {
  const store = useStoreApi();
  const keepers = useAppStore((s) => s.keepers);
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  return (
    <div className="duplicate-group" data-testid="duplicate-group" data-size={group.members.length}>
      <div className="muted">
        {group.members.length} photos · similarity ≥ {group.minScore.toFixed(3)}
      </div>
      <div className="duplicate-members">
        {group.members.map((member) => (
          <figure
            key={member.tile.id}
            className={keepers.has(member.tile.id) ? 'keeper' : ''}
            data-image-id={member.tile.id}
            data-keep={keepers.has(member.tile.id) ? 'true' : 'false'}
          >
            <img src={renditionUrl('thumb', member.tile.id, catalogPath)} alt="" loading="lazy" />
            <figcaption title={member.tile.relPath}>
              <div className="file-name">{fileName(member.tile.relPath)}</div>
              <div className="muted">
                {member.width && member.height ? `${member.width}×${member.height} · ` : ''}
                {formatBytes(member.sizeBytes)} · {member.score.toFixed(3)}
              </div>
              <label className="checkbox">
                <input
                  type="checkbox"
                  data-testid="duplicate-keep"
                  checked={keepers.has(member.tile.id)}
                  onChange={() => store.getState().toggleKeeper(member.tile.id)}
                />{' '}
                keep
              </label>
            </figcaption>
          </figure>
        ))}
      </div>
    </div>
  );
}
