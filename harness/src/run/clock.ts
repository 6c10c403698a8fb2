/** The runner's only view of time: monotonic milliseconds, and sleeping until a moment. */
export interface Clock {
  now(): number;
  /** Resolves at or after monotonic time `atMs` (never early), or when `signal` aborts. */
  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleepUntil(atMs, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      let timer: NodeJS.Timeout;
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      // Node timers may fire up to ~1 ms early: re-arm until the monotonic clock agrees.
      const arm = () => {
        const left = atMs - performance.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        timer = setTimeout(arm, Math.ceil(left));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};
