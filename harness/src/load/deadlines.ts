/** Something with a deadline that may finish on its own before it. */
export interface Expiring {
  readonly deadlineMs: number;
  readonly settled: boolean;
}

/**
 * Client timeouts for many requests with one timer. Every request gets the same timeout and
 * requests are added in send order, so deadlines arrive already sorted: the queue is a FIFO and
 * the timer only ever waits for the head. Cheaper per request than a timer or AbortSignal each.
 */
export class DeadlineQueue<T extends Expiring> {
  readonly #items: T[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #now: () => number;
  readonly #expire: (item: T) => void;

  /** `now` gives the time deadlines are expressed in (ms); `expire` is called for each overdue item. */
  constructor(now: () => number, expire: (item: T) => void) {
    this.#now = now;
    this.#expire = expire;
  }

  add(item: T): void {
    this.#items.push(item);
    this.#timer ??= this.#arm(item.deadlineMs);
  }

  /** Calls `visit` for every item not yet settled, oldest first. */
  forEachPending(visit: (item: T) => void): void {
    for (let i = this.#head; i < this.#items.length; i++) if (!this.#items[i]!.settled) visit(this.#items[i]!);
  }

  /** Stops the timer; items still queued never expire. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#items.length = 0;
    this.#head = 0;
  }

  #arm(deadlineMs: number): NodeJS.Timeout {
    return setTimeout(() => this.#sweep(), Math.max(1, Math.ceil(deadlineMs - this.#now())));
  }

  #sweep(): void {
    this.#timer = undefined;
    const nowMs = this.#now();
    const items = this.#items;
    while (this.#head < items.length) {
      const item = items[this.#head]!;
      if (!item.settled) {
        if (item.deadlineMs > nowMs) break;
        this.#expire(item);
      }
      this.#head++;
    }
    // Drop the swept prefix now and then, so the array does not grow for the whole run.
    if (this.#head > 1024 && this.#head * 2 > items.length) {
      items.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#head < items.length) this.#timer = this.#arm(items[this.#head]!.deadlineMs);
  }
}
