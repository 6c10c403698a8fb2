import { describe, expect, it } from 'vitest';
import type { AcceptedRequest, AsyncObservations, CompletionMessage, Recording } from '../../src/model/recording.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { NO_ASYNC_RECORDED } from '../../src/slo/async-outcomes.ts';
import type { SloMetric } from '../../src/scenario/model.ts';
import { builtinWindows, recording, scenario, slo } from '../fixtures/builders.ts';
import { verdictOf } from './helpers.ts';

/**
 * Known answers for the async metrics (docs/slos.md), on hand-built observations: the ids the
 * load accepted and the messages the observer saw, every number worked out by hand.
 */

/** Request `r<i>` scheduled at `scheduledMs`, accepted 5 ms later. */
const accepted = (i: number, scheduledMs: number): AcceptedRequest => ({ id: `r${i}`, scheduledMs, acceptedMs: scheduledMs + 5 });
const message = (i: number, messageId: string, atMs: number): CompletionMessage => ({ id: `r${i}`, messageId, atMs });

function observations(parts: Partial<AsyncObservations>): AsyncObservations {
  return {
    channel: 'driver.assigned',
    requestId: '/id',
    completionId: '/payload/tripId',
    messageId: '/id',
    drainMs: 30_000,
    accepted: [],
    acceptedWithoutId: 0,
    completions: [],
    unreadable: 0,
    observedUntilMs: 40_000,
    stopped: 'drain-elapsed',
    disconnections: [],
    ...parts,
  };
}

/** A 10 s run, fault 4–6 s; windows baseline 0–4, fault 4–6, recovery 6–10. */
function run(async: AsyncObservations | undefined): Recording {
  return recording({ durationMs: 10_000, windows: builtinWindows(10_000, 4_000, 6_000), ...(async ? { async } : {}) });
}

/**
 * Ten requests, one per second at t = 0, 1000, …, 9000. r0–r7 completed, each 200 ms after its
 * schedule, except r3 (completed at 4200: 1200 ms) and r5 (at 7000: 2000 ms). r8 and r9 never completed.
 * r2 was completed twice by different messages (a second driver: one duplicate); r4's message
 * came twice with the same message id (a redelivery, not a duplicate).
 */
const tenAccepted = Array.from({ length: 10 }, (_, i) => accepted(i, i * 1000));
const eightCompleted: CompletionMessage[] = [
  message(0, 'm0', 200),
  message(1, 'm1', 1200),
  message(2, 'm2', 2200),
  message(2, 'm2-again', 2900),
  message(3, 'm3', 4200),
  message(4, 'm4', 4200),
  message(4, 'm4', 4800),
  message(5, 'm5', 7000),
  message(6, 'm6', 6200),
  message(7, 'm7', 7200),
  message(99, 'm99', 300), // a warm-up request's: matches nothing
];
const known = run(observations({ accepted: tenAccepted, completions: eightCompleted }));

const measure = (metric: SloMetric, window = 'whole', rec = known) => verdictOf(rec, slo(metric, '>=', 0, window));

describe('the async metrics on 10 accepted requests, 8 completed, 1 duplicate, 1 redelivery', () => {
  it('async_completion_rate is 8/10 = 0.80 over the whole run', () => {
    expect(measure({ kind: 'async_completion_rate' }).measured).toBe(0.8);
  });

  it('messages_lost is 2 (r8, r9), async_duplicates is 1 (r2; r4 was a redelivery)', () => {
    expect(measure({ kind: 'messages_lost' }).measured).toBe(2);
    expect(measure({ kind: 'async_duplicates' }).measured).toBe(1);
  });

  it('counts per window by scheduled time: baseline r0–r3 all completed, recovery r6–r9 half lost', () => {
    expect(measure({ kind: 'async_completion_rate' }, 'baseline').measured).toBe(1);
    expect(measure({ kind: 'messages_lost' }, 'recovery').measured).toBe(2);
    expect(measure({ kind: 'async_completion_rate' }, 'recovery').measured).toBe(0.5);
    expect(measure({ kind: 'async_duplicates' }, 'fault').measured).toBe(0);
  });

  it('async_latency_p(N) is the nearest rank of scheduled → first completion of the completed ones', () => {
    // Latencies: r0 200, r1 200, r2 200, r3 1200, r4 200, r5 2000, r6 200, r7 200 → sorted 6×200, 1200, 2000.
    expect(measure({ kind: 'async_latency_percentile', percentile: 50 }).measured).toBe(200);
    expect(measure({ kind: 'async_latency_percentile', percentile: 75 }).measured).toBe(200);
    expect(measure({ kind: 'async_latency_percentile', percentile: 87.5 }).measured).toBe(1200);
    expect(measure({ kind: 'async_latency_percentile', percentile: 99 }).measured).toBe(2000);
    // Fault window: r4 (200) and r5 (2000).
    expect(measure({ kind: 'async_latency_percentile', percentile: 50 }, 'fault').measured).toBe(200);
    expect(measure({ kind: 'async_latency_percentile', percentile: 100 }, 'fault').measured).toBe(2000);
  });

  it('time_to_drain from the end of the fault: r0–r5 (scheduled before 6 s) done at 7 s → 1000 ms', () => {
    expect(measure({ kind: 'time_to_drain' }, 'fault').measured).toBe(1000);
    expect(measure({ kind: 'time_to_drain' }, 'baseline').measured).toBe(200); // r3 at 4200, window ends 4000
  });

  it('time_to_drain is not measured when a request before the window end never completed', () => {
    const verdict = measure({ kind: 'time_to_drain' }, 'whole');
    expect(verdict.measured).toBeNull();
    expect(verdict.reason).toBe('2 of 10 requests accepted before the end of window whole never completed: the backlog never drained');
    expect(verdict.passed).toBe(false);
  });

  it('puts the counts in the result: accepted = completed + lost + pending, and the series adds up', () => {
    const result = analyse(known, scenario([]));
    const whole = result.async!.windows.find((w) => w.name === 'whole')!;
    expect(whole).toMatchObject({ accepted: 10, completed: 8, lost: 2, pending: 0, duplicates: 1, redeliveries: 1 });
    expect(whole.latency).toMatchObject({ p50: 200, max: 2000 });
    expect(result.async!.unmatched).toBe(1);
    const series = result.async!.series;
    expect(series).toHaveLength(40); // observed until 40 s
    expect(series.reduce((sum, s) => sum + s.accepted, 0)).toBe(10);
    expect(series.reduce((sum, s) => sum + s.completed, 0)).toBe(8);
    // At the end of second 5 (t < 6000): r5 accepted at 5005 and not completed until 7000.
    expect(series[5]).toMatchObject({ t: 5000, accepted: 1, completed: 0, backlog: 1 });
    expect(series.at(-1)!.backlog).toBe(2); // r8, r9
  });
});

describe('edge cases of the async metrics', () => {
  it('no completion at all: completion rate 0, every accepted request lost, latency not measured', () => {
    const none = run(observations({ accepted: tenAccepted }));
    expect(measure({ kind: 'async_completion_rate' }, 'whole', none).measured).toBe(0);
    expect(measure({ kind: 'messages_lost' }, 'whole', none).measured).toBe(10);
    const p99 = measure({ kind: 'async_latency_percentile', percentile: 99 }, 'whole', none);
    expect(p99.measured).toBeNull();
    expect(p99.reason).toBe('no request accepted in window whole completed');
  });

  it('a request scheduled exactly at a window end belongs to the next window; a completion exactly at the end drains in 0 ms', () => {
    const edge = run(observations({ accepted: [accepted(1, 3_000), accepted(2, 4_000)], completions: [message(1, 'a', 4_000)] }));
    // r2 at 4000 is a fault request, not a baseline one: baseline has r1 only, completed.
    expect(measure({ kind: 'async_completion_rate' }, 'baseline', edge).measured).toBe(1);
    expect(measure({ kind: 'messages_lost' }, 'fault', edge).measured).toBe(1);
    expect(measure({ kind: 'time_to_drain' }, 'baseline', edge).measured).toBe(0);
  });

  it('nothing accepted in the window: not measured, and the SLO fails', () => {
    const verdict = measure({ kind: 'async_completion_rate' }, 'whole', run(observations({})));
    expect(verdict).toMatchObject({ measured: null, passed: false, reason: 'no request was accepted in window whole' });
  });

  it('no broker in the run: every async SLO says so; the accepted requests are pending in the result', () => {
    const noBroker = run(observations({ accepted: tenAccepted, unavailable: 'no broker in this run', stopped: 'interrupted' }));
    for (const kind of ['async_completion_rate', 'messages_lost', 'async_duplicates', 'time_to_drain'] as const) {
      expect(measure({ kind }, 'whole', noBroker)).toMatchObject({ measured: null, reason: 'no broker in this run' });
    }
    const whole = analyse(noBroker, scenario([])).async!.windows.find((w) => w.name === 'whole')!;
    expect(whole).toMatchObject({ accepted: 10, completed: 0, lost: 0, pending: 10 });
  });

  it('a recording without async observations: the async SLOs say so, the result has no async part', () => {
    expect(measure({ kind: 'messages_lost' }, 'whole', run(undefined))).toMatchObject({ measured: null, reason: NO_ASYNC_RECORDED });
    expect(analyse(run(undefined), scenario([])).async).toBeUndefined();
  });

  it('an observer cut short by a signal: uncompleted requests are pending, not lost, so loss is not measured', () => {
    const cut = run(observations({ accepted: tenAccepted, completions: eightCompleted, stopped: 'interrupted' }));
    const lost = measure({ kind: 'messages_lost' }, 'whole', cut);
    expect(lost.measured).toBeNull();
    expect(lost.reason).toBe('the run was interrupted before the drain ended: 2 of 10 accepted requests still pending');
    expect(measure({ kind: 'async_completion_rate' }, 'baseline', cut).measured).toBe(1);
    expect(analyse(cut, scenario([])).async!.windows.find((w) => w.name === 'whole')).toMatchObject({ lost: 0, pending: 2 });
  });

  it('says in the detail what could not be followed, and the observer blind spans beside a loss', () => {
    const noted = run(
      observations({ accepted: tenAccepted, completions: eightCompleted, acceptedWithoutId: 3, disconnections: [{ fromMs: 5_000, toMs: 5_400 }] }),
    );
    const lost = measure({ kind: 'messages_lost' }, 'whole', noted);
    expect(lost.detail).toContain('the observer was disconnected from the broker 1 time(s), 400 ms in all');
    expect(lost.detail).toContain('3 accepted response(s) had no id at /id and are not followed');
  });
});
