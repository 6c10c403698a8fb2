/**
 * Remembers the outcome of work done under an Idempotency-Key: a repeat of the key (a retry
 * after a lost response, or one that arrives while the first is still running) gets the same
 * result, and the work runs once. Failed work is forgotten, so it may be retried.
 */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Promise<T>>();
  /** @param maxEntries oldest keys are forgotten past this many. Default 10000. */
  constructor(private readonly maxEntries = 10_000) {}

  /** @param keep whether a result is final; results it rejects are forgotten like errors. */
  async run(key: string, work: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<{ value: T; replayed: boolean }> {
    const existing = this.entries.get(key);
    if (existing) return { value: await existing, replayed: true };
    const pending = work();
    this.entries.set(key, pending);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    try {
      const value = await pending;
      if (!keep(value) && this.entries.get(key) === pending) this.entries.delete(key);
      return { value, replayed: false };
    } catch (error) {
      if (this.entries.get(key) === pending) this.entries.delete(key);
      throw error;
    }
  }
}

/** The key a request carries, if any (header names are lower-case in Node). */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers['idempotency-key'];
  const key = Array.isArray(value) ? value[0] : value;
  return key && key.length <= 200 ? key : undefined;
}
