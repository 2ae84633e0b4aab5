/**
 * The main window's size and position, saved in the user-data folder and restored on start when
 * they still fit a connected display (a monitor may have been unplugged since).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Bounds | null;
  maximized: boolean;
}

const schema = z.object({
  bounds: z.object({ x: z.int(), y: z.int(), width: z.int().min(200), height: z.int().min(150) }).nullable(),
  maximized: z.boolean(),
});

export const DEFAULT_SIZE = { width: 1280, height: 800 };

export function windowStatePath(userDataDir: string): string {
  return join(userDataDir, 'window-state.json');
}

export function loadWindowState(file: string, warn: (message: string) => void): WindowState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`fieldmark: cannot read ${file}: ${(error as Error).message}`);
    return { bounds: null, maximized: false };
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    warn(`fieldmark: ${file} has unexpected content; using the default window size`);
  } catch (error) {
    warn(`fieldmark: ${file} is not JSON (${(error as Error).message}); using the default window size`);
  }
  return { bounds: null, maximized: false };
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state)}\n`);
}

/** Whether at least a 100x100 corner of `bounds` lies on one of the displays' work areas. */
export function fitsOnDisplays(bounds: Bounds, workAreas: Bounds[]): boolean {
  return workAreas.some((area) => {
    const overlapX = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const overlapY = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return overlapX >= 100 && overlapY >= 100;
  });
}
