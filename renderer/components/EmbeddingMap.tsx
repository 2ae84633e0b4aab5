/**
 * The embedding map: every image as a point (PCA at once, UMAP when the engine's worker has it),
 * coloured by predicted class or by label. The points are rasterised once into a cached layer and
 * a pan/zoom frame only blits that layer with the gesture's transform; they are placed again when
 * the gesture pauses (renderer/map/map-painter.ts; `npm run bench:ui-map` pans and zooms 100,000
 * points). Drag pans, the wheel zooms, hovering rings the point and shows its thumbnail; with the
 * lasso on, a drawn outline selects the points inside it through the selection slice (then `l`
 * labels them). Lasso and hover draw on an overlay canvas that takes no pointer events.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import { useAppStore, useStoreApi } from '../store/context.js';
import { renditionUrl } from '../format.js';
import { colours, normalise, pickedMask, type ColourBy } from '../map/map-points.js';
import { MapPainter, type Point } from '../map/map-painter.js';
import {
  FIT_VIEW,
  frameFor,
  insidePolygon,
  nearestPoint,
  screenX,
  screenY,
  zoomAbout,
  type View,
} from '../map/map-view.js';

/** How close the pointer must be to a point to hover it. */
const HOVER_RADIUS_PX = 8;

export function EmbeddingMap() {
  const store = useStoreApi();
  const map = useAppStore((s) => s.embeddingMap);
  const busy = useAppStore((s) => s.mapBusy);
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  const selection = useAppStore((s) => s.selection.set);
  const [colourBy, setColourBy] = useState<ColourBy>('prediction');
  const [lasso, setLasso] = useState(false);
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const painter = useRef<MapPainter | null>(null);
  painter.current ??= new MapPainter();
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);
  const outline = useRef<Point[] | null>(null);
  /** The latest pointer position to hover, looked up at most once per frame. */
  const hoverAt = useRef<{ p: Point; frame: number } | null>(null);
  const points = useMemo(() => (map ? normalise(map) : null), [map]);
  const rgb = useMemo(() => (map ? colours(map, colourBy) : null), [map, colourBy]);
  const picked = useMemo(() => (map ? pickedMask(map, selection) : null), [map, selection]);
  const frame = useMemo(() => frameFor(size.width, size.height), [size]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry)
        setSize({
          width: Math.max(100, Math.floor(entry.contentRect.width)),
          height: Math.max(100, Math.floor(entry.contentRect.height)),
        });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const current = painter.current!;
    current.attach(canvas.current!, overlay.current!);
    return () => {
      current.detach();
      if (hoverAt.current) cancelAnimationFrame(hoverAt.current.frame);
    };
  }, []);

  useEffect(() => {
    painter.current!.setData(points && rgb && picked ? { points, rgb, picked } : null, frame);
  }, [points, rgb, picked, frame]);

  const local = (event: PointerEvent | WheelEvent): Point => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const hoverSoon = (p: Point) => {
    if (hoverAt.current) {
      hoverAt.current.p = p;
      return;
    }
    const next = {
      p,
      frame: requestAnimationFrame(() => {
        hoverAt.current = null;
        const best = points ? nearestPoint(points, painter.current!.view, frame, next.p, HOVER_RADIUS_PX) : -1;
        painter.current!.setHover(best);
        setHover(best < 0 ? null : { index: best, ...next.p });
      }),
    };
    hoverAt.current = next;
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    const p = local(event);
    if (lasso) {
      outline.current = [p];
      painter.current!.setOutline(outline.current);
    } else drag.current = { ...p, view: painter.current!.view };
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const p = local(event);
    if (outline.current) {
      outline.current.push(p);
      painter.current!.setOutline(outline.current);
      return;
    }
    if (drag.current) {
      const start = drag.current;
      painter.current!.setView(
        { ...start.view, x: start.view.x + p.x - start.x, y: start.view.y + p.y - start.y },
        true,
      );
      return;
    }
    hoverSoon(p);
  };
  const onPointerUp = () => {
    drag.current = null;
    const drawn = outline.current;
    if (!drawn) return;
    if (map && points && drawn.length > 2) {
      const view = painter.current!.view;
      const ids: number[] = [];
      for (let i = 0; i < map.imageIds.length; i++) {
        const x = screenX(points[2 * i]!, view, frame);
        const y = screenY(points[2 * i + 1]!, view, frame);
        if (insidePolygon(x, y, drawn)) ids.push(map.imageIds[i]!);
      }
      store.getState().setSelection(ids);
    }
    outline.current = null;
    painter.current!.setOutline(null);
  };
  const onWheel = (event: WheelEvent<HTMLCanvasElement>) => {
    painter.current!.setView(zoomAbout(painter.current!.view, local(event), event.deltaY, frame), true);
  };
  const onPointerLeave = () => {
    painter.current!.setHover(-1);
    setHover(null);
  };

  const hovered = hover && map ? map.imageIds[hover.index]! : null;
  return (
    <section className="map-view" aria-label="Embedding map">
      <nav className="breadcrumb">
        <button
          type="button"
          className="link"
          data-testid="similar-back"
          onClick={() => store.getState().backToLibrary()}
        >
          ← Library
        </button>
        {' › '}Map {map ? `(${map.kind === 'umap' ? 'UMAP' : 'PCA, UMAP on the way'})` : ''}
      </nav>
      <div className="similar-controls">
        <button
          type="button"
          className={`small-button${lasso ? ' active' : ''}`}
          data-testid="map-lasso"
          aria-pressed={lasso}
          onClick={() => setLasso(!lasso)}
          title="Draw around points to select them"
        >
          Lasso
        </button>
        <label>
          Colour by{' '}
          <select value={colourBy} onChange={(event) => setColourBy(event.target.value as ColourBy)}>
            <option value="prediction">prediction</option>
            <option value="label">label</option>
          </select>
        </label>
        <button type="button" className="small-button" onClick={() => painter.current!.setView(FIT_VIEW, false)}>
          Fit
        </button>
        {busy && <span className="spinner" role="status" aria-label="Computing the map…" />}
      </div>
      <div className="map-box" ref={box}>
        <canvas
          ref={canvas}
          width={size.width}
          height={size.height}
          data-testid="embedding-map"
          data-points={map?.imageIds.length ?? 0}
          data-kind={map?.kind ?? ''}
          className={lasso ? 'lasso' : ''}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={onPointerLeave}
          onWheel={onWheel}
        />
        <canvas ref={overlay} width={size.width} height={size.height} className="map-overlay" />
        {hovered !== null && hover && (
          <div className="map-hover" style={{ left: hover.x + 12, top: hover.y + 12 }}>
            <img src={renditionUrl('thumb', hovered, catalogPath)} alt="" />
            <div>{map!.label[hover.index] ?? `image ${hovered}`}</div>
          </div>
        )}
      </div>
    </section>
  );
}
