/**
 * The map's points rasterised into an off-screen canvas (a layer cache) a margin larger than the
 * visible canvas. A pan or zoom frame only draws this layer with the affine transform from the
 * view it was drawn at to the current one (a blit of 1-2 ms), instead of placing 100,000 points
 * again (15-25 ms). Redrawing at a new view happens in a second buffer, a slice per frame within a
 * time budget, and the buffers swap when it is complete, so no frame of a gesture pays for it.
 */
import { rasterisePoints } from './map-raster.js';
import { viewToView, type Frame, type View } from './map-view.js';

/** Margin around the canvas, as a share of its width and height: room for a pan before a redraw. */
const MARGIN = 0.25;
/** A layer stretched more than this by zooming in looks blocky: redraw it even mid-gesture. */
const MAX_STRETCH = 3;
/** Work units of a sliced redraw, small enough that a frame's budget is checked often. */
const ROWS_PER_UNIT = 64;
const POINTS_PER_UNIT = 8192;

export interface LayerPoints {
  points: Float32Array;
  rgb: Uint32Array;
  picked: Uint8Array;
}

/** One buffer: a canvas and the view, frame and margins it was (or is being) drawn at. */
class Raster {
  readonly canvas: HTMLCanvasElement = document.createElement('canvas');
  image: ImageData | null = null;
  view: View = { scale: 1, x: 0, y: 0 };
  frame: Frame = { width: 0, height: 0, extent: 0 };
  marginX = 0;
  marginY = 0;

  /** Sizes the buffer for `frame` and records the target view; returns its pixels. */
  prepare(view: View, frame: Frame): Uint32Array {
    this.view = { ...view };
    this.frame = { ...frame };
    this.marginX = Math.ceil(frame.width * MARGIN);
    this.marginY = Math.ceil(frame.height * MARGIN);
    const width = frame.width + 2 * this.marginX;
    const height = frame.height + 2 * this.marginY;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    if (!this.image || this.image.width !== width || this.image.height !== height)
      this.image = this.context().createImageData(width, height);
    return new Uint32Array(this.image.data.buffer);
  }

  /** Uploads rows [from, to) of the pixels to the canvas. */
  upload(from: number, to: number): void {
    this.context().putImageData(this.image!, 0, 0, 0, from, this.canvas.width, to - from);
  }

  target(pixels: Uint32Array) {
    return {
      pixels,
      width: this.canvas.width,
      height: this.canvas.height,
      originX: -this.marginX,
      originY: -this.marginY,
    };
  }

  private context(): CanvasRenderingContext2D {
    const context = this.canvas.getContext('2d');
    if (!context) throw new Error('embedding map: the browser gave no 2D context for the off-screen layer');
    return context;
  }
}

/** A redraw in progress: clear the pixels, place the points, upload, each a slice at a time. */
interface Job {
  raster: Raster;
  data: LayerPoints;
  pixels: Uint32Array;
  stage: 'clear' | 'points' | 'upload';
  next: number;
}

export class PointLayer {
  /** The buffer on screen, or null before the first raster (or after new data). */
  private front: Raster | null = null;
  private spare = new Raster();
  private job: Job | null = null;

  /** Forget the raster (new points, colours, selection or canvas size): the next frame redraws it. */
  invalidate(): void {
    if (this.front) this.spare = this.front;
    this.front = null;
    this.job = null;
  }

  /** Whether there is a raster for this frame size to show. */
  hasRaster(frame: Frame): boolean {
    return this.front !== null && sameFrame(this.front.frame, frame);
  }

  /** Whether the raster on screen, or the one being drawn, is at exactly this view. */
  isAt(view: View): boolean {
    const at = (this.job?.raster ?? this.front)?.view;
    return at !== undefined && sameView(at, view);
  }

  get drawing(): boolean {
    return this.job !== null;
  }

  /** Whether composing at `view` fills the whole canvas with an acceptably sharp layer. */
  covers(view: View, frame: Frame): boolean {
    const front = this.front;
    if (!front || !sameFrame(front.frame, frame)) return false;
    const { k, dx, dy } = viewToView(front.view, view, frame);
    if (k > MAX_STRETCH) return false;
    const left = dx - k * front.marginX;
    const top = dy - k * front.marginY;
    return (
      left <= 0 &&
      top <= 0 &&
      left + k * front.canvas.width >= frame.width &&
      top + k * front.canvas.height >= frame.height
    );
  }

  /** Places every point at `view` now (first draw, new data): 15-25 ms at 100,000 points. */
  render(data: LayerPoints, view: View, frame: Frame): void {
    this.startRedraw(data, view, frame);
    this.step(Number.POSITIVE_INFINITY);
  }

  /** Starts redrawing at `view` in the spare buffer (replacing a redraw in progress); `step` advances it. */
  startRedraw(data: LayerPoints, view: View, frame: Frame): void {
    const raster = this.spare;
    this.job = { raster, data, pixels: raster.prepare(view, frame), stage: 'clear', next: 0 };
  }

  /** Advances the redraw until `deadline` (performance.now() time); true when it completed and is now on screen. */
  step(deadline: number): boolean {
    const job = this.job;
    if (!job) return false;
    const { raster, pixels, data } = job;
    const width = raster.canvas.width;
    const height = raster.canvas.height;
    const n = data.points.length / 2;
    do {
      if (job.stage === 'clear') {
        const to = Math.min(height, job.next + ROWS_PER_UNIT);
        pixels.fill(0, job.next * width, to * width);
        job.next = to;
        if (to === height) [job.stage, job.next] = ['points', 0];
      } else if (job.stage === 'points') {
        const to = Math.min(n, job.next + POINTS_PER_UNIT);
        const { points, rgb, picked } = data;
        rasterisePoints(raster.target(pixels), points, rgb, picked, raster.view, raster.frame, job.next, to);
        job.next = to;
        if (to === n) [job.stage, job.next] = ['upload', 0];
      } else {
        const to = Math.min(height, job.next + ROWS_PER_UNIT * 4);
        raster.upload(job.next, to);
        job.next = to;
        if (to === height) {
          this.job = null;
          this.spare = this.front ?? new Raster();
          this.front = raster;
          return true;
        }
      }
    } while (performance.now() < deadline);
    return false;
  }

  /** Draws the raster on screen onto the visible canvas as it should look at `view` (one blit). */
  compose(target: CanvasRenderingContext2D, view: View, frame: Frame): void {
    target.setTransform(1, 0, 0, 1, 0, 0);
    target.clearRect(0, 0, frame.width, frame.height);
    const front = this.front;
    if (!front) return;
    const { k, dx, dy } = viewToView(front.view, view, frame);
    // Nearest-neighbour: the squares stay squares while zooming, and it is the cheapest filter.
    target.imageSmoothingEnabled = false;
    target.setTransform(k, 0, 0, k, dx - k * front.marginX, dy - k * front.marginY);
    target.drawImage(front.canvas, 0, 0);
    target.setTransform(1, 0, 0, 1, 0, 0);
  }
}

function sameFrame(a: Frame, b: Frame): boolean {
  return a.width === b.width && a.height === b.height && a.extent === b.extent;
}

function sameView(a: View, b: View): boolean {
  return a.scale === b.scale && a.x === b.x && a.y === b.y;
}
