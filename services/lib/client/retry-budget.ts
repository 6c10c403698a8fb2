/**
 * A retry budget: over a sliding window, retries may not exceed
 * `minPerSecond · window + ratio · calls`. It keeps retries from multiplying load when a
 * dependency is down for everyone (the budget drains and calls fail at their first error).
 */
export class RetryBudget {
  private readonly bucketMs: number;
  private readonly calls: number[];
  private readonly retries: number[];
  private bucketStartMs: number;
  private index = 0;

  constructor(
    private readonly options: { ratio: number; minPerSecond: number; windowMs: number },
    private readonly now: () => number = () => performance.now(),
  ) {
    const buckets = 10;
    this.bucketMs = options.windowMs / buckets;
    this.calls = new Array<number>(buckets).fill(0);
    this.retries = new Array<number>(buckets).fill(0);
    this.bucketStartMs = now();
  }

  recordCall(): void {
    this.rotate();
    this.calls[this.index]! += 1;
  }

  recordRetry(): void {
    this.rotate();
    this.retries[this.index]! += 1;
  }

  /** Whether one more retry fits the budget now. */
  hasRoom(): boolean {
    this.rotate();
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const allowed = (this.options.minPerSecond * this.options.windowMs) / 1000 + this.options.ratio * sum(this.calls);
    return sum(this.retries) < allowed;
  }

  private rotate(): void {
    const elapsed = this.now() - this.bucketStartMs;
    if (elapsed < this.bucketMs) return;
    const steps = Math.min(this.calls.length, Math.floor(elapsed / this.bucketMs));
    for (let i = 0; i < steps; i++) {
      this.index = (this.index + 1) % this.calls.length;
      this.calls[this.index] = 0;
      this.retries[this.index] = 0;
    }
    this.bucketStartMs += Math.floor(elapsed / this.bucketMs) * this.bucketMs;
  }
}
