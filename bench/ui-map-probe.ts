/**
 * The embedding-map part of `npm run bench:ui -- --map` (issue 9: 100,000 points at 60 fps pan and
 * zoom): opens the map, waits for every point, then drags and wheels over the canvas from Node
 * for a few seconds while the page counts frames with requestAnimationFrame.
 */
import type { Page } from 'playwright-core';

export interface MapFrames {
  /** Seconds from the click on `open-map` until the canvas had every point. */
  openSeconds: number;
  /** PCA or UMAP: which map was on screen while measuring. */
  kind: string;
  frames: number;
  /** Frame intervals in ms, sorted. */
  intervals: number[];
  /** Pointer and wheel events sent. */
  inputs: number;
}

/** @throws Error when the map does not show `points` points within `waitMs`. */
export async function measureMapPanZoom(
  page: Page,
  points: number,
  seconds: number,
  waitMs: number,
): Promise<MapFrames> {
  const opened = performance.now();
  await page.click('[data-testid=open-map]');
  const canvas = page.locator(`[data-testid=embedding-map][data-points="${points}"]`);
  await canvas.waitFor({ timeout: waitMs });
  const openSeconds = (performance.now() - opened) / 1000;
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the embedding map has no box on screen');
  const kind = (await canvas.getAttribute('data-kind')) ?? '';
  await page.evaluate(() => {
    const scope = globalThis as unknown as {
      mapFrames: number[];
      mapFramesOn: boolean;
      requestAnimationFrame(callback: (time: number) => void): number;
    };
    scope.mapFrames = [];
    scope.mapFramesOn = true;
    const tick = (time: number) => {
      scope.mapFrames.push(time);
      if (scope.mapFramesOn) scope.requestAnimationFrame(tick);
    };
    scope.requestAnimationFrame(tick);
  });
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const end = performance.now() + seconds * 1000;
  let inputs = 0;
  // Alternates half a second of dragging in a circle with half a second of wheel zoom in and out.
  while (performance.now() < end) {
    const phase = Math.floor((performance.now() - opened) / 500) % 2;
    const t = performance.now() / 300;
    if (phase === 0) {
      await page.mouse.move(centre.x, centre.y);
      await page.mouse.down();
      for (let step = 0; step < 30 && performance.now() < end; step++, inputs++) {
        await page.mouse.move(centre.x + 120 * Math.cos(t + step / 5), centre.y + 80 * Math.sin(t + step / 5));
      }
      await page.mouse.up();
    } else {
      await page.mouse.move(centre.x + 50, centre.y - 30);
      for (let step = 0; step < 30 && performance.now() < end; step++, inputs++) {
        await page.mouse.wheel(0, step < 15 ? -60 : 60);
      }
    }
  }
  const times = await page.evaluate(() => {
    const scope = globalThis as unknown as { mapFrames: number[]; mapFramesOn: boolean };
    scope.mapFramesOn = false;
    return scope.mapFrames;
  });
  const intervals = times
    .slice(1)
    .map((time, index) => time - times[index]!)
    .sort((a, b) => a - b);
  return { openSeconds, kind, frames: times.length, intervals, inputs };
}
