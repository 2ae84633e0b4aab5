/**
 * Throughput and ETA for a running job. The rate is measured over a sliding window of recent
 * completions so that a pause, or a slow start while the model loads, does not skew the ETA.
 */
export interface ProgressSnapshot {
  done: number;
  toProcess: number;
  failed: number;
  imagesPerSecond: number;
  etaSeconds: number | null;
}

export class ProgressTracker {
  private readonly windowMs: number;
  private readonly samples: { at: number; done: number }[] = [];
  private activeMs = 0;
  private resumedAt: number | null;
  done = 0;
  failed = 0;

  constructor(
    readonly toProcess: number,
    now: number,
    windowMs = 10_000,
  ) {
    this.windowMs = windowMs;
    this.resumedAt = now;
    this.samples.push({ at: 0, done: 0 });
  }

  /** Records `count` finished images (successes and failures alike). */
  advance(count: number, failedCount: number, now: number): void {
    this.done += count;
    this.failed += failedCount;
    const at = this.activeTime(now);
    this.samples.push({ at, done: this.done });
    while (this.samples.length > 2 && at - this.samples[1]!.at > this.windowMs) this.samples.shift();
  }

  /** Starts the clock again (when the model became ready); nothing may have been counted yet. */
  restartClock(now: number): void {
    this.activeMs = 0;
    if (this.resumedAt !== null) this.resumedAt = now;
    this.samples.splice(0, this.samples.length, { at: 0, done: this.done });
  }

  pause(now: number): void {
    if (this.resumedAt === null) return;
    this.activeMs += now - this.resumedAt;
    this.resumedAt = null;
  }

  resume(now: number): void {
    if (this.resumedAt === null) this.resumedAt = now;
  }

  /** Milliseconds spent running (not paused) since the start. */
  activeTime(now: number): number {
    return this.activeMs + (this.resumedAt === null ? 0 : now - this.resumedAt);
  }

  snapshot(now: number): ProgressSnapshot {
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const spanMs = Math.max(last.at - first.at, this.activeTime(now) - first.at);
    const rate = spanMs > 0 ? ((last.done - first.done) * 1000) / spanMs : 0;
    const remaining = this.toProcess - this.done;
    return {
      done: this.done,
      toProcess: this.toProcess,
      failed: this.failed,
      imagesPerSecond: rate,
      etaSeconds: remaining === 0 ? 0 : rate > 0 ? remaining / rate : null,
    };
  }

  /** Overall throughput: images per second of running time. */
  overallRate(now: number): number {
    const ms = this.activeTime(now);
    return ms > 0 ? (this.done * 1000) / ms : 0;
  }
}
