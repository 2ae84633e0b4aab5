/**
 * Coalesces a burst of calls into at most one per `intervalMs`, always delivering the last value
 * (trailing edge), so the UI sees the final state of a fast-moving job without being flooded.
 */
export interface Throttled<T> {
  push(value: T): void;
  /** Delivers a pending value now (used for terminal states). */
  flush(): void;
  cancel(): void;
}

export function throttleLatest<T>(deliver: (value: T) => void, intervalMs: number): Throttled<T> {
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastDelivered = 0;
  const fire = () => {
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    lastDelivered = Date.now();
    deliver(value);
  };
  return {
    push(value) {
      pending = { value };
      if (timer) return;
      const wait = Math.max(0, lastDelivered + intervalMs - Date.now());
      if (wait === 0) fire();
      else timer = setTimeout(fire, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
