/**
 * One grid tile: thumbnail, the label (apart from the prediction, marked where they disagree),
 * top-1 class and confidence (or the error of a failed file). Click selects and focuses,
 * Shift+click selects a range, Ctrl/Cmd+click toggles, a double-click opens the viewer.
 */
import { memo, useState, type CSSProperties, type MouseEvent } from 'react';
import type { ImageTile } from '../../main/contract/types.js';
import { useAppStore, useStoreApi } from '../store/context.js';
import { className, fileName, formatPercent, renditionUrl } from '../format.js';

export const Tile = memo(function Tile({
  id,
  index,
  selected,
  style,
}: {
  id: number;
  index: number;
  selected: boolean;
  style: CSSProperties;
}) {
  const tile = useAppStore((s) => s.tiles[id]);
  const inSelection = useAppStore((s) => s.selection.set.has(id));
  const store = useStoreApi();
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  const suggested = useAppStore((s) => (s.filter.suspectIds === null ? undefined : s.suspectSuggestions[id]));
  const [broken, setBroken] = useState(false);
  if (!tile) return <TilePlaceholder style={style} />;
  const failed = tile.status === 'failed';
  const onClick = (event: MouseEvent) => {
    const state = store.getState();
    if (event.shiftKey) void state.selectRange(id, index);
    else if (event.ctrlKey || event.metaKey) state.toggleSelected(id, index);
    else state.selectOnly(id, index);
    state.select(index);
    if (!event.shiftKey && !event.ctrlKey && !event.metaKey) state.openDetail();
  };
  const onDoubleClick = () => {
    const state = store.getState();
    state.select(index);
    state.setViewerOpen(true);
  };
  return (
    <div
      className={`tile${selected ? ' focused' : ''}${inSelection ? ' selected' : ''}${failed ? ' failed' : ''}`}
      style={style}
      data-testid="grid-tile"
      data-path={tile.relPath}
      data-image-id={id}
      data-index={index}
      data-status={tile.status}
      data-selected={inSelection ? 'true' : 'false'}
      data-focused={selected ? 'true' : 'false'}
      role="option"
      aria-selected={inSelection}
      title={suggested === undefined ? tile.relPath : `${tile.relPath} — suggested: ${suggested} (g)`}
      data-suggested={suggested}
      onClick={onClick}
      onDoubleClick={onDoubleClick}
    >
      <div className="thumb">
        {failed || broken ? (
          <span className="thumb-broken" aria-hidden="true">
            ⚠
          </span>
        ) : (
          <img
            src={renditionUrl('thumb', id, catalogPath)}
            alt=""
            loading="lazy"
            decoding="async"
            draggable={false}
            onError={() => setBroken(true)}
          />
        )}
      </div>
      <div className="caption">
        <div className="file-name">{fileName(tile.relPath)}</div>
        <TileLabel tile={tile} />
        <TilePrediction tile={tile} />
      </div>
    </div>
  );
});

function TileLabel({ tile }: { tile: ImageTile }) {
  if (!tile.label) return null;
  // The engine decides (one rule with the filter): a genus label agrees with a species beneath it.
  const disagrees = tile.label.disagrees ?? false;
  return (
    <div
      className={`tile-label source-${tile.label.source}${disagrees ? ' disagree' : ''}`}
      data-testid="tile-label"
      data-label={tile.label.label}
      data-rank={tile.label.rank}
      data-source={tile.label.source}
      data-disagree={disagrees ? 'true' : 'false'}
      title={`${tile.label.label} (${tile.label.rank}, ${tile.label.source})${disagrees ? ' — differs from the prediction' : ''}`}
    >
      {disagrees && (
        <span className="disagree-mark" aria-label="differs from the prediction">
          ≠{' '}
        </span>
      )}
      {className(tile.label.label)}
      {tile.label.rank !== 'species' && <span className="rank"> ({tile.label.rank})</span>}
    </div>
  );
}

function TilePrediction({ tile }: { tile: ImageTile }) {
  if (tile.status === 'failed') {
    return (
      <div className="prediction error" data-testid="tile-prediction" data-state="failed">
        {tile.errorKind ?? 'Failed'}
      </div>
    );
  }
  if (!tile.top1) {
    return (
      <div className="prediction pending" data-testid="tile-prediction" data-state="pending">
        …
      </div>
    );
  }
  return (
    <div
      className="prediction"
      data-testid="tile-prediction"
      data-state="predicted"
      data-class-index={tile.top1.index}
      data-confidence={tile.top1.prob.toFixed(4)}
    >
      <span className="class-name">{className(tile.top1.name)}</span>
      <span className="confidence">{formatPercent(tile.top1.prob)}</span>
      <span className="confidence-bar" aria-hidden="true">
        <span style={{ width: formatPercent(tile.top1.prob, 1) }} />
      </span>
    </div>
  );
}

export function TilePlaceholder({ style }: { style: CSSProperties }) {
  return (
    <div className="tile placeholder" style={style} aria-hidden="true">
      <div className="thumb" />
      <div className="caption" />
    </div>
  );
}
