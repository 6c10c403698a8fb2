/**
 * Deadline propagation. The caller's remaining time budget travels in this header as whole
 * milliseconds left at the moment the request was sent. A callee turns it into an absolute
 * deadline on arrival; network transit time is simply spent from the budget.
 */
export const DEADLINE_HEADER = 'x-request-deadline-ms';

/** An absolute point in time (ms on the monotonic clock) past which work is useless. */
export class Deadline {
  private readonly atMs: number;
  constructor(budgetMs: number, nowMs: number = performance.now()) {
    this.atMs = nowMs + budgetMs;
  }
  remainingMs(nowMs: number = performance.now()): number {
    return Math.max(0, Math.floor(this.atMs - nowMs));
  }
  expired(nowMs: number = performance.now()): boolean {
    return nowMs >= this.atMs;
  }
  /** The earlier of this deadline and a fresh budget starting now. */
  min(budgetMs: number): Deadline {
    return budgetMs < this.remainingMs() ? new Deadline(budgetMs) : this;
  }
}

/** Reads the header; absent or malformed → undefined (no deadline). Negative counts as 0. */
export function deadlineFromHeader(value: string | string[] | undefined): Deadline | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const budgetMs = Number(raw);
  if (!Number.isFinite(budgetMs)) return undefined;
  return new Deadline(Math.max(0, budgetMs));
}
