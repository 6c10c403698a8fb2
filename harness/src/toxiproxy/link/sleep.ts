/**
 * Resolves at or after `deadlineMs` on the monotonic clock (performance.now()). A Node timer can
 * fire up to ~1 ms early (its clock is the loop's cached millisecond), so the timer is re-armed
 * until the deadline has really passed: data held by a toxic is never released early.
 */
export function sleepUntil(deadlineMs: number, onTimer: (timer: NodeJS.Timeout | undefined) => void): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      const remainingMs = deadlineMs - performance.now();
      if (remainingMs <= 0) {
        onTimer(undefined);
        resolve();
        return;
      }
      onTimer(setTimeout(check, Math.ceil(remainingMs)));
    };
    check();
  });
}
