/**
 * A process-wide budget of concurrent outbound requests, shared by every dependency client of a
 * service — the Node analogue of the fixed thread pool or socket budget that makes a slow
 * dependency everybody's problem (Hystrix's motivating case). Without a per-dependency bulkhead
 * (or a timeout), calls to one hung dependency can hold every slot, and calls to healthy
 * dependencies then wait behind them.
 */
export class OutboundSlots {
  private inUse = 0;
  private readonly waiters: Array<{ grant: () => void }> = [];

  /** @param limit concurrent outbound requests at most (≥ 1). */
  constructor(readonly limit: number) {}

  get active(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Waits (FIFO) for a slot; rejects with the signal's reason if it aborts first. Returns the
   * release function, which is safe to call more than once. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant();
      else this.inUse--;
    };
    if (this.inUse < this.limit) {
      this.inUse++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      // A slot handed over by release() keeps inUse unchanged: it passes from one holder to the next.
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
}
