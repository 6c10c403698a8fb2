/** A pending wake-up from `wakeAt`. */
export interface WakeUp {
  cancel(): void;
}

/**
 * Calls `wake` at or after `deadlineMs` on the monotonic clock (performance.now()). A Node timer
 * can fire up to ~1 ms early (its clock is the loop's cached millisecond), so the timer is
 * re-armed until the deadline has really passed: data held by a toxic is never released early.
 */
export function wakeAt(deadlineMs: number, wake: () => void): WakeUp {
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    const remainingMs = deadlineMs - performance.now();
    if (remainingMs <= 0) {
      timer = undefined;
      wake();
      return;
    }
    timer = setTimeout(check, Math.ceil(remainingMs));
  };
  check();
  return {
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
