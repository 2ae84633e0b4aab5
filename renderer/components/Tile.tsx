/** One grid tile: thumbnail, top-1 class and confidence (or the error of a failed file). */
import { memo, useState, type CSSProperties } from 'react';
import type { ImageTile } from '../../main/contract/types.js';
import { useAppStore } from '../store/context.js';
import { className, fileName, formatPercent, renditionUrl } from '../format.js';

export const Tile = memo(function Tile({ id, index, selected, style }: { id: number; index: number; selected: boolean; style: CSSProperties }) {
  const tile = useAppStore((s) => s.tiles[id]);
  const select = useAppStore((s) => s.select);
  const openDetail = useAppStore((s) => s.openDetail);
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  const [broken, setBroken] = useState(false);
  if (!tile) return <TilePlaceholder style={style} />;
  const failed = tile.status === 'failed';
  return (
    <div
      className={`tile${selected ? ' selected' : ''}${failed ? ' failed' : ''}`}
      style={style}
      data-testid="grid-tile"
      data-path={tile.relPath}
      data-image-id={id}
      data-index={index}
      data-status={tile.status}
      role="option"
      aria-selected={selected}
      title={tile.relPath}
      onClick={() => {
        select(index);
        openDetail();
      }}
    >
      <div className="thumb">
        {failed || broken ? (
          <span className="thumb-broken" aria-hidden="true">
            ⚠
          </span>
        ) : (
          <img src={renditionUrl('thumb', id, catalogPath)} alt="" loading="lazy" decoding="async" draggable={false} onError={() => setBroken(true)} />
        )}
      </div>
      <div className="caption">
        <div className="file-name">{fileName(tile.relPath)}</div>
        <TilePrediction tile={tile} />
      </div>
    </div>
  );
});

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
    <div className="prediction" data-testid="tile-prediction" data-state="predicted" data-class-index={tile.top1.index} data-confidence={tile.top1.prob.toFixed(4)}>
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
