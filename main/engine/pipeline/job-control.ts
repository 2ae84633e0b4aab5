/** Pause, resume and cancel for a running job, as promises the job's loop can await. */
export type JobState = 'running' | 'paused' | 'cancelled';

export class JobControl {
  private current: JobState = 'running';
  private wakeUp: (() => void) | null = null;
  private readonly listeners: ((state: JobState) => void)[] = [];

  get state(): JobState {
    return this.current;
  }

  onChange(listener: (state: JobState) => void): void {
    this.listeners.push(listener);
  }

  pause(): void {
    if (this.current === 'running') this.set('paused');
  }

  resume(): void {
    if (this.current === 'paused') this.set('running');
  }

  cancel(): void {
    if (this.current !== 'cancelled') this.set('cancelled');
  }

  /** Resolves at once while running; while paused, when resumed or cancelled. */
  async untilRunning(): Promise<void> {
    while (this.current === 'paused') {
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
    }
  }

  private set(state: JobState): void {
    this.current = state;
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
    for (const listener of this.listeners) listener(state);
  }
}
