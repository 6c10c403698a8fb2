import { describe, expect, it } from 'vitest';
import type { AsyncObservations } from '../../src/model/recording.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { recording, scenario } from '../fixtures/builders.ts';

/**
 * The async latency per second (docs/slos.md): the requests scheduled in each second of the load
 * that completed, and their nearest-rank p50/p99 from the scheduled send to the first
 * completion; hand-built observations, answers worked out in the comments.
 */
const observations = (parts: Partial<AsyncObservations>): AsyncObservations => ({
  channel: 'driver.assigned',
  requestId: '/id',
  completionId: '/payload/tripId',
  messageId: '/id',
  drainMs: 5_000,
  accepted: [],
  acceptedWithoutId: 0,
  completions: [],
  unreadable: 0,
  observedUntilMs: 8_000,
  stopped: 'drain-elapsed',
  disconnections: [],
  ...parts,
});

const accepted = (id: string, scheduledMs: number) => ({ id, scheduledMs, acceptedMs: scheduledMs + 20 });

describe('the async latency per second', () => {
  it('takes each second’s requests by scheduled send, their p50/p99 over the completed ones, and a gap where none completed', () => {
    // Second 0: a, b, c scheduled at 100, 400, 700, completed after 200, 500 and 1000 ms (c in
    // second 1, still second 0's request): p50 = 2nd of 3 = 500, p99 = 3rd = 1000.
    // Second 1: d at 1100 lost: completed 0, no latency. Second 2: e at 2000 completed at 2300,
    // and again by a redelivery at 2900 (the first completion counts): 300 / 300.
    const async = observations({
      accepted: [accepted('a', 100), accepted('b', 400), accepted('c', 700), accepted('d', 1100), accepted('e', 2000)],
      completions: [
        { id: 'a', messageId: 'ma', atMs: 300 },
        { id: 'b', messageId: 'mb', atMs: 900 },
        { id: 'c', messageId: 'mc', atMs: 1700 },
        { id: 'e', messageId: 'me', atMs: 2300 },
        { id: 'e', messageId: 'me', atMs: 2900 },
      ],
    });
    const result = analyse(recording({ durationMs: 3_000, async }), scenario([]));
    expect(result.async!.latencySeries).toEqual([
      { t: 0, completed: 3, p50: 500, p99: 1000 },
      { t: 1000, completed: 0, p50: null, p99: null },
      { t: 2000, completed: 1, p50: 300, p99: 300 },
    ]);
  });

  it('spans the load only, although the observer listened through the drain', () => {
    const async = observations({ accepted: [accepted('a', 1500)], completions: [{ id: 'a', messageId: 'ma', atMs: 6_500 }], observedUntilMs: 8_000 });
    const result = analyse(recording({ durationMs: 2_000, async }), scenario([]));
    expect(result.async!.series).toHaveLength(8);
    expect(result.async!.latencySeries).toEqual([
      { t: 0, completed: 0, p50: null, p99: null },
      { t: 1000, completed: 1, p50: 5000, p99: 5000 },
    ]);
  });
});
