/**
 * The virtualised thumbnail grid: only the rows on screen (plus a few) exist in the DOM, so the
 * grid stays smooth at 100,000 images. Tiles are absolutely positioned in a sized spacer; each
 * slot subscribes to its own position's image id and selection state only.
 */
import { memo, useEffect, useLayoutEffect, useRef, useState, type UIEvent } from 'react';
import { useAppStore, useStoreApi } from '../store/context.js';
import { imageIdAt } from '../store/grid-slice.js';
import { Tile, TilePlaceholder } from './Tile.js';

const CAPTION = 62;
const GAP = 8;
const PAD = 12;
const OVERSCAN_ROWS = 3;

interface Layout {
  columns: number;
  tileWidth: number;
  rowHeight: number;
}

/** Rows that exist in the DOM for a scroll position: those on screen plus OVERSCAN_ROWS each side. */
function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  layout: Layout,
  rows: number,
): { first: number; last: number } {
  return {
    first: Math.max(0, Math.floor((scrollTop - PAD) / layout.rowHeight) - OVERSCAN_ROWS),
    last: Math.min(rows - 1, Math.ceil((scrollTop + viewportHeight) / layout.rowHeight) + OVERSCAN_ROWS),
  };
}

function layoutFor(width: number, minTile: number): Layout {
  const inner = Math.max(minTile, width - 2 * PAD);
  const columns = Math.max(1, Math.floor((inner + GAP) / (minTile + GAP)));
  const tileWidth = Math.floor((inner - (columns - 1) * GAP) / columns);
  return { columns, tileWidth, rowHeight: tileWidth + CAPTION + GAP };
}

export function Grid() {
  const store = useStoreApi();
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ width: 0, height: 0 });
  const [scrollTop, setScrollTop] = useState(0);
  const total = useAppStore((s) => s.gridTotal) ?? 0;
  const selectedIndex = useAppStore((s) => s.selectedIndex);
  const filter = useAppStore((s) => s.filter);
  const hasLibrary = useAppStore((s) => s.library !== null);
  const tileSize = useAppStore((s) => s.tileSize);
  const layout = layoutFor(viewport.width, tileSize);
  const rows = Math.ceil(total / layout.columns);
  const { first: firstRow, last: lastRow } = rowWindow(scrollTop, viewport.height, layout, rows);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // The stored scroll position may lag the element's (see onScroll); a new size reads it afresh.
    const measure = () => {
      setViewport({ width: element.clientWidth, height: element.clientHeight });
      setScrollTop(element.scrollTop);
    };
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    measure();
    return () => observer.disconnect();
  }, []);

  useEffect(() => store.getState().setColumns(layout.columns), [store, layout.columns]);

  useEffect(() => {
    if (viewport.height === 0) return;
    store.getState().ensureRange(firstRow * layout.columns, (lastRow + 1) * layout.columns - 1);
  }, [store, firstRow, lastRow, layout.columns, total, viewport.height]);

  // A new filter or sort starts at the top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filter]);

  // Keep the keyboard selection on screen.
  useEffect(() => {
    const element = scroller.current;
    if (!element || selectedIndex < 0) return;
    const top = PAD + Math.floor(selectedIndex / layout.columns) * layout.rowHeight;
    const bottom = top + layout.rowHeight - GAP;
    if (top < element.scrollTop) element.scrollTop = top - PAD;
    else if (bottom > element.scrollTop + element.clientHeight) element.scrollTop = bottom - element.clientHeight + PAD;
  }, [selectedIndex, layout.columns, layout.rowHeight]);

  // Most scroll events move within the rows already rendered: re-render only when the window of
  // rows changes, so a scroll costs React work once per row (~200 px), not once per frame.
  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const top = event.currentTarget.scrollTop;
    const next = rowWindow(top, viewport.height, layout, rows);
    if (next.first !== firstRow || next.last !== lastRow) setScrollTop(top);
  };

  const slots = [];
  for (let row = firstRow; row <= lastRow; row++) {
    for (let column = 0; column < layout.columns; column++) {
      const index = row * layout.columns + column;
      if (index >= total) break;
      slots.push(
        <TileSlot
          key={index}
          index={index}
          x={PAD + column * (layout.tileWidth + GAP)}
          y={PAD + row * layout.rowHeight}
          width={layout.tileWidth}
          height={layout.tileWidth + CAPTION}
        />,
      );
    }
  }

  return (
    <div
      className="grid"
      data-testid="grid"
      data-total={total}
      data-columns={layout.columns}
      ref={scroller}
      onScroll={onScroll}
      role="listbox"
      aria-label="Images"
      tabIndex={-1}
    >
      <div className="grid-spacer" style={{ height: rows * layout.rowHeight + 2 * PAD }}>
        {slots}
      </div>
      {hasLibrary && total === 0 && <GridEmpty />}
    </div>
  );
}

const TileSlot = memo(function TileSlot(props: { index: number; x: number; y: number; width: number; height: number }) {
  const id = useAppStore((s) => imageIdAt(s, props.index));
  const selected = useAppStore((s) => s.selectedIndex === props.index);
  const style = { transform: `translate(${props.x}px, ${props.y}px)`, width: props.width, height: props.height };
  return id === null ? (
    <TilePlaceholder style={style} />
  ) : (
    <Tile id={id} index={props.index} selected={selected} style={style} />
  );
});

function GridEmpty() {
  const gridTotal = useAppStore((s) => s.gridTotal);
  const libraryTotal = useAppStore((s) => s.stats.total);
  if (gridTotal === null) return null;
  return (
    <div className="grid-empty">
      {libraryTotal === 0 ? 'No images found in this folder yet.' : 'No images match these filters.'}
    </div>
  );
}
