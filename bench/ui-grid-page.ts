/**
 * The in-page half of the UI grid benchmark (bench/ui-grid.ts): probes that run inside the
 * Fieldmark page in Chromium, measuring frames, tiles on screen and the time until they are filled.
 */
import type { Page } from 'playwright-core';

/**
 * Page-side probes, installed once as `globalThis.__gridBench`. Written against a tiny local view
 * of the DOM (the bench compiles without the DOM lib) and serialised by Playwright, so they must
 * not reference anything outside their own body.
 */
export function installProbes(): void {
  interface El {
    getBoundingClientRect(): { top: number; bottom: number };
    complete?: boolean;
    naturalWidth?: number;
    querySelector(selector: string): El | null;
    querySelectorAll(selector: string): ArrayLike<El>;
    getAttribute(name: string): string | null;
    classList: { contains(name: string): boolean };
    scrollTop: number;
    scrollHeight: number;
    clientHeight: number;
  }
  const page = globalThis as unknown as {
    document: El & {
      addEventListener(type: string, listener: (event: { key?: string }) => void, options: object): void;
    };
    requestAnimationFrame(callback: (time: number) => void): void;
    PerformanceObserver: new (
      callback: (list: { getEntries(): { duration: number }[] }) => void,
    ) => { observe(options: object): void; disconnect(): void };
    __gridBench: unknown;
    __eventAt?: number;
  };
  const frame = () => new Promise<number>((resolve) => page.requestAnimationFrame(resolve));
  const grid = () => page.document.querySelector('[data-testid=grid]')!;

  /** Tiles on screen: how many, how many show a (matching) prediction or their thumbnail, and their index range. */
  function onScreen(classIndex: number | null, firstImageId: number | null = null) {
    const box = grid().getBoundingClientRect();
    let visible = 0;
    let ready = 0;
    let thumbs = 0;
    let firstOk = firstImageId === null;
    let first = Infinity;
    let last = -1;
    for (const tile of Array.from(grid().querySelectorAll('.tile'))) {
      const rect = tile.getBoundingClientRect();
      if (rect.bottom <= box.top || rect.top >= box.bottom) continue;
      visible += 1;
      if (tile.classList.contains('placeholder')) continue;
      const index = Number(tile.getAttribute('data-index'));
      if (index === 0 && tile.getAttribute('data-image-id') === String(firstImageId)) firstOk = true;
      const image = tile.querySelector('img');
      // A tile whose thumbnail failed shows a warning sign instead of <img>: nothing left to load.
      if (!image || (image.complete && (image.naturalWidth ?? 0) > 0)) thumbs += 1;
      first = Math.min(first, index);
      last = Math.max(last, index);
      const prediction = tile.querySelector('[data-testid=tile-prediction]');
      const state = prediction?.getAttribute('data-state');
      if (
        state === 'predicted' &&
        (classIndex === null || prediction?.getAttribute('data-class-index') === String(classIndex))
      )
        ready += 1;
    }
    return { visible, ready: firstOk ? ready : 0, thumbs, first, last };
  }

  /**
   * Resolves when every tile on screen shows a prediction (of `classIndex`, with `firstImageId` at
   * index 0, and the grid count at `count`, where given) and then when their thumbnails are loaded.
   */
  async function untilReady(start: number, options: ReadyOptions) {
    let predictedMs: number | null = null;
    for (;;) {
      await frame();
      const state = onScreen(options.classIndex, options.firstImageId);
      const count = page.document.querySelector('[data-testid=grid-count]')?.getAttribute('data-count');
      const countOk = options.count === null || count === String(options.count);
      const elapsed = performance.now() - start;
      if (predictedMs === null && state.visible > 0 && state.ready === state.visible && countOk) predictedMs = elapsed;
      const timedOut = elapsed > options.timeoutMs;
      if ((predictedMs !== null && state.thumbs === state.visible) || timedOut) {
        return { ms: predictedMs ?? elapsed, thumbsMs: elapsed, ...state, count: count ?? null, timedOut };
      }
    }
  }
  interface ReadyOptions {
    classIndex: number | null;
    count: number | null;
    firstImageId: number | null;
    timeoutMs: number;
  }
  const anyTile: ReadyOptions = { classIndex: null, count: null, firstImageId: null, timeoutMs: 60_000 };

  page.__gridBench = {
    async jump(fraction: number) {
      const element = grid();
      element.scrollTop = fraction * (element.scrollHeight - element.clientHeight);
      return untilReady(performance.now(), anyTile);
    },
    /** Remembers when the next `type` event (Enter for keydown) reaches the page: the start of a filter's clock. */
    markEvent(type: 'keydown' | 'change') {
      page.__eventAt = undefined;
      page.document.addEventListener(
        type,
        (event) => {
          if (type === 'change' || event.key === 'Enter') page.__eventAt = performance.now();
        },
        { capture: true, once: true },
      );
    },
    async afterEvent(options: Partial<ReadyOptions>) {
      while (page.__eventAt === undefined) await frame();
      return untilReady(page.__eventAt, { ...anyTile, ...options });
    },
    /** Frame intervals with nothing happening: what this browser's compositor gives at best. */
    async idle(seconds: number) {
      const stamps: number[] = [];
      const start = await frame();
      for (let now = start; now - start < seconds * 1000; now = await frame()) stamps.push(now);
      return stamps.slice(1).map((stamp, i) => stamp - stamps[i]!);
    },
    /** Scrolls at a constant speed for `seconds`, one step per frame, and records every frame's start. */
    async scroll(seconds: number, pxPerSecond: number) {
      const element = grid();
      const longTasks: number[] = [];
      const observer = new page.PerformanceObserver((list) =>
        longTasks.push(...list.getEntries().map((entry) => entry.duration)),
      );
      observer.observe({ type: 'longtask' });
      const top = element.scrollTop;
      const stamps: number[] = [];
      let blankFrames = 0;
      let thumbFrames = 0;
      const start = await frame();
      for (let now = start; now - start < seconds * 1000; now = await frame()) {
        stamps.push(now);
        const shown = onScreen(null);
        if (shown.visible > shown.ready) blankFrames += 1;
        if (shown.visible > shown.thumbs) thumbFrames += 1;
        element.scrollTop = top + ((now - start) * pxPerSecond) / 1000;
      }
      observer.disconnect();
      const intervals = stamps.slice(1).map((stamp, i) => stamp - stamps[i]!);
      return {
        intervals,
        blankFrames,
        thumbFrames,
        frames: stamps.length,
        distance: element.scrollTop - top,
        longTasks,
      };
    },
  };
}

export interface ReadyResult {
  ms: number;
  thumbsMs: number;
  visible: number;
  ready: number;
  thumbs: number;
  first: number;
  last: number;
  count: string | null;
  timedOut: boolean;
}
type Probes = {
  jump(fraction: number): Promise<ReadyResult>;
  markEvent(type: 'keydown' | 'change'): void;
  afterEvent(options: {
    classIndex?: number | null;
    count?: number | null;
    firstImageId?: number | null;
  }): Promise<ReadyResult>;
  idle(seconds: number): Promise<number[]>;
  scroll(
    seconds: number,
    pxPerSecond: number,
  ): Promise<{
    intervals: number[];
    blankFrames: number;
    thumbFrames: number;
    frames: number;
    distance: number;
    longTasks: number[];
  }>;
};

/** Calls a probe in the page; `args` travel as JSON. */
export function probe<K extends keyof Probes>(
  page: Page,
  name: K,
  ...args: Parameters<Probes[K]>
): Promise<Awaited<ReturnType<Probes[K]>>> {
  return page.evaluate(
    ([probeName, probeArgs]) => {
      const probes = (globalThis as unknown as { __gridBench: Record<string, (...a: unknown[]) => unknown> })
        .__gridBench;
      return probes[probeName as string]!(...(probeArgs as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<Probes[K]>>>;
}
