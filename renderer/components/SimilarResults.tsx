/**
 * The ranked results of "find similar": a breadcrumb back to the library (and to earlier
 * searches), the threshold slider (results below it are hidden; Ctrl/⌘+A selects the rest), and
 * a grid of tiles, each with its score, best first. Click selects (Ctrl/⌘ toggles, Shift adds);
 * "similar" on a tile starts a new search from it, "less" adds it as a negative.
 */
import { memo, useState, type MouseEvent } from 'react';
import type { SimilarItem } from '../../main/contract/similarity-types.js';
import { useAppStore, useStoreApi } from '../store/context.js';
import { className, fileName, renditionUrl } from '../format.js';

export function SimilarResults() {
  const store = useStoreApi();
  const results = useAppStore((s) => s.similarResults);
  const threshold = useAppStore((s) => s.similarThreshold);
  const busy = useAppStore((s) => s.similarBusy);
  const method = useAppStore((s) => s.similarMethod);
  const within = useAppStore((s) => s.similarWithinFilters);
  const shown = (results ?? []).filter((item) => item.score >= threshold);
  return (
    <section className="similar-view" aria-label="Similar images">
      <Breadcrumb />
      <div className="similar-controls">
        <label>
          Threshold <strong>{threshold.toFixed(2)}</strong>
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={threshold}
            data-testid="similar-threshold"
            aria-label="Score threshold"
            onChange={(event) => store.getState().setSimilarThreshold(Number(event.target.value))}
          />
        </label>
        <span className="muted" data-testid="similar-count" data-count={shown.length}>
          {shown.length} of {results?.length ?? 0} shown{method ? ` · ${method} search` : ''}
        </span>
        <button
          type="button"
          className="small-button"
          onClick={() => store.getState().selectResultsAboveThreshold()}
          title="Select every result shown (Ctrl/⌘+A), then press l to label them"
        >
          Select shown (Ctrl/⌘+A)
        </button>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={within}
            onChange={(event) => store.getState().setSimilarWithinFilters(event.target.checked)}
          />{' '}
          within the grid's filters
        </label>
        {busy && <span className="spinner" aria-label="Searching…" />}
      </div>
      <div
        className="similar-grid"
        data-testid="similar-results"
        data-busy={busy ? 'true' : 'false'}
        role="listbox"
        aria-multiselectable="true"
      >
        {shown.map((item) => (
          <ResultTile key={item.tile.id} item={item} />
        ))}
        {results && shown.length === 0 && !busy && <p className="muted">No result at or above the threshold.</p>}
      </div>
    </section>
  );
}

function Breadcrumb() {
  const store = useStoreApi();
  const searches = useAppStore((s) => s.searches);
  return (
    <nav className="breadcrumb" aria-label="Searches">
      <button
        type="button"
        className="link"
        data-testid="similar-back"
        onClick={() => store.getState().backToLibrary()}
      >
        ← Library
      </button>
      {searches.map((search, index) => (
        <span key={index}>
          {' › '}
          {index === searches.length - 1 ? (
            <span className="crumb current">{search.title}</span>
          ) : (
            <button type="button" className="link crumb" onClick={() => void store.getState().backTo(index)}>
              {search.title}
            </button>
          )}
        </span>
      ))}
    </nav>
  );
}

const ResultTile = memo(function ResultTile({ item }: { item: SimilarItem }) {
  const store = useStoreApi();
  const { tile, score } = item;
  const selected = useAppStore((s) => s.selection.set.has(tile.id));
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  const [broken, setBroken] = useState(false);
  const onClick = (event: MouseEvent) => {
    const state = store.getState();
    if (event.ctrlKey || event.metaKey) state.toggleSelected(tile.id);
    else if (event.shiftKey) void state.selectRange(tile.id);
    else state.selectOnly(tile.id);
  };
  const stop = (action: () => void) => (event: MouseEvent) => {
    event.stopPropagation();
    action();
  };
  return (
    <div
      className={`tile result${selected ? ' selected' : ''}`}
      data-testid="grid-tile"
      data-image-id={tile.id}
      data-path={tile.relPath}
      data-score={score.toFixed(4)}
      data-selected={selected ? 'true' : 'false'}
      role="option"
      aria-selected={selected}
      title={`${tile.relPath} — score ${score.toFixed(3)}`}
      onClick={onClick}
      onDoubleClick={() => void store.getState().findSimilar([tile.id])}
    >
      <div className="thumb">
        {broken ? (
          <span className="thumb-broken">⚠</span>
        ) : (
          <img
            src={renditionUrl('thumb', tile.id, catalogPath)}
            alt=""
            loading="lazy"
            decoding="async"
            draggable={false}
            onError={() => setBroken(true)}
          />
        )}
        <span className="score-badge">{score.toFixed(3)}</span>
      </div>
      <div className="caption">
        <div className="file-name">{fileName(tile.relPath)}</div>
        {tile.label && (
          <div className="tile-label" data-testid="tile-label" data-label={tile.label.label}>
            {className(tile.label.label)}
          </div>
        )}
        {tile.top1 && <div className="prediction muted">{className(tile.top1.name)}</div>}
        <div className="result-actions">
          <button
            type="button"
            className="link"
            data-testid="result-similar"
            onClick={stop(() => void store.getState().findSimilar([tile.id]))}
            title="Search again from this image"
          >
            similar
          </button>
          <button
            type="button"
            className="link"
            data-testid="result-negative"
            onClick={stop(() => void store.getState().addNegative(tile.id))}
            title="More like the query, less like this"
          >
            less
          </button>
        </div>
      </div>
    </div>
  );
});
