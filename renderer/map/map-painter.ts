/**
 * Paints the embedding map at most once per animation frame: the points from the layer cache
 * (map-layer.ts), placed again at once only for new data, and in slices over the next frames when
 * a gesture has paused for SETTLE_MS or the cache no longer covers the canvas; the lasso outline
 * and the hover ring on a separate overlay canvas, so neither ever forces the points to be placed again.
 */
import { PointLayer, type LayerPoints } from './map-layer.js';
import { dotSide } from './map-raster.js';
import { FIT_VIEW, screenX, screenY, type Frame, type View } from './map-view.js';

/** Input pause after which a pan/zoom counts as settled and the points are redrawn sharp. */
const SETTLE_MS = 120;
/** Time per frame given to redrawing the points in the background (of 16.7 ms at 60 fps). */
const REDRAW_SLICE_MS = 5;
const OUTLINE_COLOUR = '#2f7d4f';

export interface Point {
  x: number;
  y: number;
}

export class MapPainter {
  private readonly layer = new PointLayer();
  private base: CanvasRenderingContext2D | null = null;
  private overlay: CanvasRenderingContext2D | null = null;
  private data: LayerPoints | null = null;
  private frame: Frame | null = null;
  private current: View = FIT_VIEW;
  private settled = true;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private frameRequest = 0;
  private outline: readonly Point[] | null = null;
  private hoverIndex = -1;
  /** Whether the points must be composed again (the view or the data changed); lasso and hover frames leave them. */
  private baseDirty = true;
  private overlayDirty = false;
  /** Whether the overlay shows anything now: a transparent overlay is not cleared again every frame. */
  private overlayDrawn = false;

  /** @throws Error when a canvas gives no 2D context. */
  attach(base: HTMLCanvasElement, overlay: HTMLCanvasElement): void {
    this.base = base.getContext('2d');
    this.overlay = overlay.getContext('2d');
    if (!this.base || !this.overlay)
      throw new Error('embedding map: the browser gave no 2D context for the map canvas');
    this.baseDirty = this.overlayDirty = true;
    this.schedule();
  }

  detach(): void {
    cancelAnimationFrame(this.frameRequest);
    clearTimeout(this.settleTimer);
    this.frameRequest = 0;
    this.base = this.overlay = null;
  }

  /** New points, colours, selection or canvas size: the points are placed again on the next frame. */
  setData(data: LayerPoints | null, frame: Frame): void {
    this.data = data;
    this.frame = frame;
    this.layer.invalidate();
    this.baseDirty = true;
    this.overlayDirty = true;
    this.schedule();
  }

  get view(): View {
    return this.current;
  }

  /** Moves the view. A gesture's frames reuse the cached points until input pauses; otherwise they are redrawn at once. */
  setView(view: View, gesture: boolean): void {
    this.current = view;
    clearTimeout(this.settleTimer);
    this.settled = !gesture;
    if (gesture)
      this.settleTimer = setTimeout(() => {
        this.settled = true;
        this.baseDirty = true;
        this.schedule();
      }, SETTLE_MS);
    this.baseDirty = true;
    this.overlayDirty = true;
    this.schedule();
  }

  setOutline(outline: readonly Point[] | null): void {
    this.outline = outline;
    this.overlayDirty = true;
    this.schedule();
  }

  /** Rings point `index` (-1: none). */
  setHover(index: number): void {
    if (index === this.hoverIndex) return;
    this.hoverIndex = index;
    this.overlayDirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.frameRequest === 0 && this.base) this.frameRequest = requestAnimationFrame(() => this.paint());
  }

  private paint(): void {
    this.frameRequest = 0;
    const { base, frame } = this;
    if (!base || !frame) return;
    if (this.baseDirty || this.layer.drawing) this.paintPoints(base, frame);
    if (this.overlayDirty) this.paintOverlay(frame);
  }

  private paintPoints(base: CanvasRenderingContext2D, frame: Frame): void {
    let changed = this.baseDirty;
    this.baseDirty = false;
    if (!this.data) {
      base.clearRect(0, 0, frame.width, frame.height);
      return;
    }
    const view = this.current;
    const layer = this.layer;
    if (!layer.hasRaster(frame)) {
      layer.render(this.data, view, frame);
      changed = true;
    } else if (this.settled ? !layer.isAt(view) : !layer.drawing && !layer.covers(view, frame)) {
      layer.startRedraw(this.data, view, frame);
    }
    if (layer.drawing) {
      if (layer.step(performance.now() + REDRAW_SLICE_MS)) changed = true;
      else this.schedule();
    }
    if (changed) layer.compose(base, view, frame);
  }

  private paintOverlay(frame: Frame): void {
    const context = this.overlay;
    if (!context) return;
    this.overlayDirty = false;
    const outline = this.outline;
    const points = this.data?.points;
    const hovered = points !== undefined && this.hoverIndex >= 0 && this.hoverIndex < points.length / 2;
    const drawOutline = outline !== null && outline.length > 1;
    if (this.overlayDrawn) context.clearRect(0, 0, frame.width, frame.height);
    this.overlayDrawn = drawOutline || hovered;
    if (drawOutline) {
      context.strokeStyle = OUTLINE_COLOUR;
      context.lineWidth = 2;
      context.beginPath();
      outline.forEach((p, i) => (i === 0 ? context.moveTo(p.x, p.y) : context.lineTo(p.x, p.y)));
      context.closePath();
      context.stroke();
    }
    if (hovered) {
      const x = screenX(points[2 * this.hoverIndex]!, this.current, frame);
      const y = screenY(points[2 * this.hoverIndex + 1]!, this.current, frame);
      context.strokeStyle = '#000';
      context.lineWidth = 1.5;
      context.beginPath();
      context.arc(x, y, dotSide(points.length / 2) + 3, 0, 2 * Math.PI);
      context.stroke();
    }
  }
}
