/**
 * The full-size viewer (`v` or a double-click): the focused image decoded from the original file
 * (EXIF orientation applied, not the thumbnail) at fit-to-window, zoom with the wheel or + −
 * (around the pointer), 0 to fit again, pan by dragging; ← → move to the neighbouring image at
 * the same zoom. The labelling keys keep working (the global keyboard hook handles them).
 */
import { useEffect, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import { useAppStore, useStoreApi } from '../store/context.js';
import { imageIdAt } from '../store/grid-slice.js';
import { fileName, renditionUrl } from '../format.js';

const ZOOM_STEP = 1.25;
const MIN_SCALE = 0.02;
const MAX_SCALE = 32;

interface View {
  /** null: fit to the window. */
  scale: number | null;
  x: number;
  y: number;
}

export function Viewer() {
  const open = useAppStore((s) => s.viewerOpen);
  if (!open) return null;
  return <ViewerDialog />;
}

function ViewerDialog() {
  const store = useStoreApi();
  const id = useAppStore((s) => imageIdAt(s, s.selectedIndex));
  const tile = useAppStore((s) => (id === null ? undefined : s.tiles[id]));
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  const stage = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [box, setBox] = useState({ width: 1, height: 1 });
  const [view, setView] = useState<View>({ scale: null, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; startX: number; startY: number } | null>(null);

  useEffect(() => {
    const element = stage.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setBox({ width: element.clientWidth, height: element.clientHeight }));
    observer.observe(element);
    setBox({ width: element.clientWidth, height: element.clientHeight });
    return () => observer.disconnect();
  }, []);

  // A new image keeps the zoom and re-centres.
  useEffect(() => {
    setNatural(null);
    setView((current) => ({ ...current, x: 0, y: 0 }));
  }, [id]);

  const fitScale = natural ? Math.min(box.width / natural.width, box.height / natural.height) : 1;
  const scale = view.scale ?? fitScale;

  const zoomAt = (factor: number, pointX = box.width / 2, pointY = box.height / 2) => {
    setView((current) => {
      const from = current.scale ?? fitScale;
      const to = Math.max(MIN_SCALE, Math.min(MAX_SCALE, from * factor));
      // Keep the point under the pointer where it is: offsets are from the stage centre.
      const dx = pointX - box.width / 2 - current.x;
      const dy = pointY - box.height / 2 - current.y;
      return { scale: to, x: current.x - dx * (to / from - 1), y: current.y - dy * (to / from - 1) };
    });
  };

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const state = store.getState();
      if (state.pickerOpen || state.helpOpen) return;
      const total = state.gridTotal ?? 0;
      const move = (delta: number) => {
        const index = Math.max(0, Math.min(total - 1, state.selectedIndex + delta));
        state.select(index);
        const next = imageIdAt(store.getState(), index);
        if (next !== null) state.selectOnly(next, index);
      };
      const actions: Record<string, () => void> = {
        '+': () => zoomAt(ZOOM_STEP),
        '=': () => zoomAt(ZOOM_STEP),
        '-': () => zoomAt(1 / ZOOM_STEP),
        '0': () => setView({ scale: null, x: 0, y: 0 }),
        ArrowRight: () => move(1),
        ArrowDown: () => move(1),
        ArrowLeft: () => move(-1),
        ArrowUp: () => move(-1),
        Escape: () => state.setViewerOpen(false),
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    // Capture phase: the viewer sees its keys before the grid's handler.
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  });

  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    zoomAt(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, event.clientX - rect.left, event.clientY - rect.top);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: view.x, y: view.y, startX: event.clientX, startY: event.clientY };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (!start) return;
    setView((current) => ({
      scale: current.scale ?? fitScale,
      x: start.x + event.clientX - start.startX,
      y: start.y + event.clientY - start.startY,
    }));
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  const width = (natural?.width ?? 0) * scale;
  const height = (natural?.height ?? 0) * scale;
  return (
    <div
      className="viewer"
      role="dialog"
      aria-modal="true"
      aria-label="Image viewer"
      data-testid="viewer"
      data-zoom={scale.toFixed(3)}
      data-fit={view.scale === null ? 'true' : 'false'}
      data-image-id={id ?? ''}
    >
      <div className="viewer-bar">
        <span className="viewer-name">{tile ? fileName(tile.relPath) : ''}</span>
        {tile?.label && <span className="viewer-label">{tile.label.label}</span>}
        <span className="viewer-zoom">
          {view.scale === null ? `Fit (${Math.round(scale * 100)}%)` : `${Math.round(scale * 100)}%`}
        </span>
        <button type="button" className="small-button" onClick={() => setView({ scale: null, x: 0, y: 0 })}>
          Fit (0)
        </button>
        <button type="button" className="small-button" onClick={() => setView({ scale: 1, x: 0, y: 0 })}>
          100%
        </button>
        <button
          type="button"
          className="icon-button"
          onClick={() => store.getState().setViewerOpen(false)}
          aria-label="Close viewer"
          title="Close (Esc)"
        >
          ✕
        </button>
      </div>
      <div
        className="viewer-stage"
        ref={stage}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      >
        {id !== null && (
          <img
            key={id}
            src={renditionUrl('full', id, catalogPath)}
            alt={tile?.relPath ?? ''}
            draggable={false}
            onLoad={(event) =>
              setNatural({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight })
            }
            style={{
              width,
              height,
              transform: `translate(${box.width / 2 - width / 2 + view.x}px, ${box.height / 2 - height / 2 + view.y}px)`,
              visibility: natural ? 'visible' : 'hidden',
              imageRendering: scale >= 2 ? 'pixelated' : 'auto',
            }}
          />
        )}
      </div>
    </div>
  );
}
