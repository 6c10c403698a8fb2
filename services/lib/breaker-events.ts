import { randomUUID } from 'node:crypto';
import type { BreakerStateName } from './metrics.ts';

/** One circuit-breaker transition, as the service saw it happen. */
export interface BreakerEvent {
  /** 1, 2, 3, … in the order recorded; never reused within one process. */
  seq: number;
  /** When it happened: `performance.timeOrigin + performance.now()`, epoch milliseconds with
   * sub-millisecond resolution, so a reader on the same machine can place it on its own clock. */
  atEpochMs: number;
  dependency: string;
  from: BreakerStateName;
  to: BreakerStateName;
}

/** The answer to "what happened after `after`": what `GET /__faultline/breaker-events` sends. */
export interface BreakerEventPage {
  /** Identifies this log (this process): a new value means the service restarted and its
   * sequence numbers started again, so the reader starts again from 0. */
  instance: string;
  /** Events the log holds at most; older ones are overwritten. */
  capacity: number;
  /** seq of the newest event recorded, 0 when none yet. */
  lastSeq: number;
  /** The log's clock when the page was made (the clock of `atEpochMs`): a reader compares it
   * with its own to place the events on its timeline, whatever the two clocks' difference
   * (another machine, or a wall clock stepped since the reader started). */
  nowEpochMs: number;
  /** Events after `after` that were already overwritten: a reader that sees > 0 knows its
   * copy has a gap (it read too rarely for the rate of transitions). */
  missed: number;
  events: BreakerEvent[];
}

export const defaultBreakerEventCapacity = 10_000;

/** High-resolution epoch milliseconds. Two processes' readings can differ by what the wall clock
 * moved since each started (each fixes `timeOrigin` once), so pages carry `nowEpochMs`. */
export const epochNowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Every breaker transition of one service with its exact time, in a bounded ring buffer.
 * The gauge `circuit_breaker_state` is sampled by scrapes and misses a half-open phase shorter
 * than the scrape interval; this log misses nothing a reader fetches in time, and a reader that
 * fetches too late is told how much it missed instead of silently losing it.
 */
export class BreakerEventLog {
  readonly instance = randomUUID();
  private readonly ring: BreakerEvent[] = [];
  private nextSeq = 1;

  constructor(
    readonly capacity: number = defaultBreakerEventCapacity,
    private readonly now: () => number = epochNowMs,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: expected a positive integer, got ${capacity}`);
  }

  record(dependency: string, from: BreakerStateName, to: BreakerStateName): BreakerEvent {
    const event: BreakerEvent = { seq: this.nextSeq++, atEpochMs: this.now(), dependency, from, to };
    // seq - 1 modulo capacity: slot of the oldest event once the ring is full.
    this.ring[(event.seq - 1) % this.capacity] = event;
    return event;
  }

  /** Events with seq > `after`, oldest first, and how many of those were already overwritten. */
  since(after: number): BreakerEventPage {
    const lastSeq = this.nextSeq - 1;
    const oldestSeq = Math.max(1, lastSeq - this.capacity + 1);
    const from = Math.max(after + 1, oldestSeq);
    const events: BreakerEvent[] = [];
    for (let seq = from; seq <= lastSeq; seq++) events.push(this.ring[(seq - 1) % this.capacity]!);
    return { instance: this.instance, capacity: this.capacity, lastSeq, nowEpochMs: this.now(), missed: Math.max(0, oldestSeq - (after + 1)), events };
  }
}
