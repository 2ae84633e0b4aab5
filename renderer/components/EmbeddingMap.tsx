/**
 * The embedding map: every image as a point (PCA at once, UMAP when the engine's worker has it),
 * coloured by predicted class or by label, drawn into one reused ImageData per view change (one
 * 32-bit write per pixel, colours packed and the selection looked up once per change, not per
 * frame: `npm run bench:ui-map` pans and zooms 100,000 points). Drag pans, the wheel
 * zooms, hovering shows the thumbnail; with the lasso on, a drawn outline selects the points
 * inside it through the selection slice (then `l` labels them).
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import type { EmbeddingMap as MapData } from '../../main/contract/similarity-types.js';
import { useAppStore, useStoreApi } from '../store/context.js';
import { renditionUrl } from '../format.js';

const PALETTE = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
  [174, 199, 232],
  [255, 187, 120],
  [152, 223, 138],
  [255, 152, 150],
  [197, 176, 213],
  [196, 156, 148],
  [247, 182, 210],
  [199, 199, 199],
  [219, 219, 141],
  [158, 218, 229],
] as const;
const UNKNOWN: readonly [number, number, number] = [160, 160, 160];

interface View {
  scale: number;
  x: number;
  y: number;
}

/** Map coordinates normalised to [0, 1] (aspect kept), so the view transform is simple. */
function normalise(map: MapData): Float32Array {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i < map.imageIds.length; i++) {
    const x = map.xy[2 * i]!,
      y = map.xy[2 * i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const out = new Float32Array(map.xy.length);
  for (let i = 0; i < map.imageIds.length; i++) {
    out[2 * i] = (map.xy[2 * i]! - minX) / span + (span - (maxX - minX)) / (2 * span);
    out[2 * i + 1] = (map.xy[2 * i + 1]! - minY) / span + (span - (maxY - minY)) / (2 * span);
  }
  return out;
}

/** One RGBA pixel as a little-endian 32-bit word, to write through a Uint32Array view of ImageData. */
function packRgba(c: readonly number[]): number {
  return ((255 << 24) | (c[2]! << 16) | (c[1]! << 8) | c[0]!) >>> 0;
}
const PICKED = packRgba([0, 0, 0]);

function colours(map: MapData, by: 'prediction' | 'label'): Uint32Array {
  const out = new Uint32Array(map.imageIds.length);
  const labelIndex = new Map<string, number>();
  for (let i = 0; i < map.imageIds.length; i++) {
    let c: readonly number[] = UNKNOWN;
    if (by === 'prediction' && map.classIndex[i]! >= 0) c = PALETTE[map.classIndex[i]! % PALETTE.length]!;
    if (by === 'label' && map.label[i] !== null) {
      const label = map.label[i]!;
      if (!labelIndex.has(label)) labelIndex.set(label, labelIndex.size);
      c = PALETTE[labelIndex.get(label)! % PALETTE.length]!;
    }
    out[i] = packRgba(c);
  }
  return out;
}

/** 1 where point i is selected, so a frame reads a byte instead of hashing an id. */
function pickedMask(map: MapData, selection: ReadonlySet<number>): Uint8Array {
  const out = new Uint8Array(map.imageIds.length);
  if (selection.size === 0) return out;
  for (let i = 0; i < map.imageIds.length; i++) if (selection.has(map.imageIds[i]!)) out[i] = 1;
  return out;
}

function insidePolygon(x: number, y: number, polygon: { x: number; y: number }[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!,
      b = polygon[j]!;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

export function EmbeddingMap() {
  const store = useStoreApi();
  const map = useAppStore((s) => s.embeddingMap);
  const busy = useAppStore((s) => s.mapBusy);
  const catalogPath = useAppStore((s) => s.library?.catalogPath);
  const selection = useAppStore((s) => s.selection.set);
  const [colourBy, setColourBy] = useState<'prediction' | 'label'>('prediction');
  const [lasso, setLasso] = useState(false);
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 });
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [outline, setOutline] = useState<{ x: number; y: number }[] | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);
  const points = useMemo(() => (map ? normalise(map) : null), [map]);
  const rgb = useMemo(() => (map ? colours(map, colourBy) : null), [map, colourBy]);
  const picked = useMemo(() => (map ? pickedMask(map, selection) : null), [map, selection]);
  const frameImage = useRef<ImageData | null>(null);
  const extent = Math.min(size.width, size.height) * 0.92;

  /** Screen position of point i. */
  const screen = (i: number) => ({
    x: (points![2 * i]! * extent - extent / 2) * view.scale + size.width / 2 + view.x,
    y: (points![2 * i + 1]! * extent - extent / 2) * view.scale + size.height / 2 + view.y,
  });

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
    const context = canvas.current?.getContext('2d');
    if (!context || !points || !rgb || !picked) return;
    const frame = requestAnimationFrame(() => {
      let image = frameImage.current;
      if (!image || image.width !== size.width || image.height !== size.height) {
        image = context.createImageData(size.width, size.height);
        frameImage.current = image;
      }
      const pixels = new Uint32Array(image.data.buffer);
      pixels.fill(0);
      const width = size.width;
      const height = size.height;
      const n = points.length / 2;
      const half = extent / 2;
      // Bigger dots for small libraries; 2 px squares at 100,000 points.
      const dot = n < 2000 ? 4 : n < 20_000 ? 3 : 2;
      for (let i = 0; i < n; i++) {
        const sx = Math.round((points[2 * i]! * extent - half) * view.scale + width / 2 + view.x);
        const sy = Math.round((points[2 * i + 1]! * extent - half) * view.scale + height / 2 + view.y);
        const isPicked = picked[i] === 1;
        const side = dot + (isPicked ? 2 : 0);
        const from = -Math.floor(side / 2);
        // Most points of a zoomed-in view are off screen: skip them before the pixel loops.
        if (sx + from + side <= 0 || sy + from + side <= 0 || sx + from >= width || sy + from >= height) continue;
        const colour = isPicked ? PICKED : rgb[i]!;
        const x0 = Math.max(0, sx + from);
        const x1 = Math.min(width, sx + from + side);
        const y1 = Math.min(height, sy + from + side);
        for (let py = Math.max(0, sy + from); py < y1; py++) {
          const row = py * width;
          for (let px = x0; px < x1; px++) pixels[row + px] = colour;
        }
      }
      context.putImageData(image, 0, 0);
      if (outline && outline.length > 1) {
        context.strokeStyle = '#2f7d4f';
        context.lineWidth = 2;
        context.beginPath();
        outline.forEach((p, i) => (i === 0 ? context.moveTo(p.x, p.y) : context.lineTo(p.x, p.y)));
        context.closePath();
        context.stroke();
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [points, rgb, picked, view, size, outline, extent]);

  const local = (event: PointerEvent | WheelEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    const p = local(event);
    if (lasso) setOutline([p]);
    else drag.current = { ...p, view };
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const p = local(event);
    if (outline) {
      setOutline([...outline, p]);
      return;
    }
    if (drag.current) {
      const start = drag.current;
      setView({ ...start.view, x: start.view.x + p.x - start.x, y: start.view.y + p.y - start.y });
      return;
    }
    if (!points) return;
    let best = -1;
    let bestDistance = 64; // within 8 px
    for (let i = 0; i < points.length / 2; i++) {
      const s = screen(i);
      const d = (s.x - p.x) ** 2 + (s.y - p.y) ** 2;
      if (d < bestDistance) [best, bestDistance] = [i, d];
    }
    setHover(best < 0 ? null : { index: best, ...p });
  };
  const onPointerUp = () => {
    drag.current = null;
    if (outline && map && points) {
      if (outline.length > 2) {
        const ids: number[] = [];
        for (let i = 0; i < map.imageIds.length; i++) {
          const s = screen(i);
          if (insidePolygon(s.x, s.y, outline)) ids.push(map.imageIds[i]!);
        }
        store.getState().setSelection(ids);
      }
      setOutline(null);
    }
  };
  const onWheel = (event: WheelEvent<HTMLCanvasElement>) => {
    const p = local(event);
    const factor = Math.exp(-event.deltaY * 0.0015);
    const scale = Math.max(0.2, Math.min(200, view.scale * factor));
    const k = scale / view.scale;
    // Zoom about the pointer: the point under it stays put.
    setView({
      scale,
      x: (view.x + size.width / 2 - p.x) * k + p.x - size.width / 2,
      y: (view.y + size.height / 2 - p.y) * k + p.y - size.height / 2,
    });
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
          <select value={colourBy} onChange={(event) => setColourBy(event.target.value as 'prediction' | 'label')}>
            <option value="prediction">prediction</option>
            <option value="label">label</option>
          </select>
        </label>
        <button type="button" className="small-button" onClick={() => setView({ scale: 1, x: 0, y: 0 })}>
          Fit
        </button>
        {busy && <span className="spinner" aria-label="Computing the map…" />}
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
          onPointerLeave={() => setHover(null)}
          onWheel={onWheel}
        />
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
