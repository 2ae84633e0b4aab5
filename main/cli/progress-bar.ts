/** The terminal progress line for long jobs: bar, counts, rate, ETA and failures, redrawn in place. */
import type { IndexProgress } from '../engine/pipeline/events.js';

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** One line, at most `columns` wide. */
export function renderProgressLine(progress: IndexProgress, columns: number): string {
  const fraction = progress.toProcess > 0 ? progress.done / progress.toProcess : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const facts = ` ${progress.done}/${progress.toProcess} ${percent}  ${progress.imagesPerSecond.toFixed(1)} img/s  ETA ${formatDuration(progress.etaSeconds)}${
    progress.failed > 0 ? `  ${progress.failed} failed` : ''
  }${progress.state === 'paused' ? '  paused' : ''}`;
  const barWidth = Math.max(10, Math.min(40, columns - facts.length - 3));
  const filled = Math.round(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${facts}`.slice(0, Math.max(20, columns - 1));
}

export class ProgressBar {
  private lastDraw = 0;
  private visible = false;
  constructor(private readonly stream: NodeJS.WritableStream & { columns?: number }) {}

  update(progress: IndexProgress, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${renderProgressLine(progress, this.stream.columns ?? 80)}`);
    this.visible = true;
  }

  /** Prints a message above the bar. */
  log(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
  }

  clear(): void {
    if (this.visible) this.stream.write('\r\x1b[2K');
    this.visible = false;
  }
}
