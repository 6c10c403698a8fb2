import { describe, expect, it } from 'vitest';
import type { AcceptedRequest, AsyncObservations, CompletionMessage } from '../../src/model/recording.ts';
import { AsyncTally, type AsyncIncrement } from '../../src/report/async-tally.ts';
import { asyncOutcomes, duplicatesOf, redeliveriesOf, sortedAsyncLatencies } from '../../src/slo/async-outcomes.ts';
import { recording } from '../fixtures/builders.ts';

/**
 * The live tally of asynchronous outcomes (the exposition's faultline_async_*): known answers on
 * hand-built events, and agreement with analysis (slo/async-outcomes.ts) once every event is in,
 * whatever order responses and messages arrived in.
 */

const accepted = (id: string, scheduledMs: number, acceptedMs = scheduledMs + 5): AcceptedRequest => ({ id, scheduledMs, acceptedMs });
const message = (id: string, messageId: string, atMs: number): CompletionMessage => ({ id, messageId, atMs });

type Event = { accept: AcceptedRequest } | { complete: CompletionMessage };

function totals(events: readonly Event[]): AsyncIncrement {
  const tally = new AsyncTally();
  const sum: AsyncIncrement = { accepted: 0, completed: 0, duplicates: 0, redeliveries: 0, latenciesMs: [] };
  for (const event of events) {
    const step = 'accept' in event ? tally.accept(event.accept) : tally.complete(event.complete);
    sum.accepted += step.accepted;
    sum.completed += step.completed;
    sum.duplicates += step.duplicates;
    sum.redeliveries += step.redeliveries;
    sum.latenciesMs.push(...step.latenciesMs);
  }
  return sum;
}

describe('the live async tally', () => {
  it('counts a completion, then a redelivery (same message id) and a duplicate (a new one), with the latency from the scheduled send', () => {
    const tally = new AsyncTally();
    expect(tally.accept(accepted('a', 1000))).toEqual({ accepted: 1, completed: 0, duplicates: 0, redeliveries: 0, latenciesMs: [] });
    expect(tally.complete(message('a', 'm1', 1500))).toEqual({ accepted: 0, completed: 1, duplicates: 0, redeliveries: 0, latenciesMs: [500] });
    expect(tally.complete(message('a', 'm1', 1600))).toEqual({ accepted: 0, completed: 0, duplicates: 0, redeliveries: 1, latenciesMs: [] });
    expect(tally.complete(message('a', 'm2', 1700))).toEqual({ accepted: 0, completed: 0, duplicates: 1, redeliveries: 0, latenciesMs: [] });
    // A redelivery of the duplicate is a redelivery, not a second duplicate.
    expect(tally.complete(message('a', 'm2', 1800))).toEqual({ accepted: 0, completed: 0, duplicates: 0, redeliveries: 1, latenciesMs: [] });
  });

  it('holds a completion that beat its own response until the id is accepted, and counts it then', () => {
    const tally = new AsyncTally();
    expect(tally.complete(message('b', 'm3', 300))).toMatchObject({ completed: 0 });
    expect(tally.complete(message('b', 'm3', 350))).toMatchObject({ redeliveries: 0 });
    expect(tally.accept(accepted('b', 100, 400))).toEqual({ accepted: 1, completed: 1, duplicates: 0, redeliveries: 1, latenciesMs: [200] });
  });

  it('counts an id accepted twice once, and never counts messages whose id was never accepted', () => {
    const tally = new AsyncTally();
    expect(tally.accept(accepted('c', 0))).toMatchObject({ accepted: 1 });
    expect(tally.accept(accepted('c', 50))).toMatchObject({ accepted: 0 });
    expect(tally.complete(message('warm-up', 'm9', 10))).toEqual({ accepted: 0, completed: 0, duplicates: 0, redeliveries: 0, latenciesMs: [] });
    expect(tally.complete(message('c', 'm4', 250))).toMatchObject({ completed: 1, latenciesMs: [250] });
  });

  it('ends with the whole-run numbers analysis computes, in any arrival order', () => {
    // 200 requests one every 50 ms; request i completes 300 + (i % 7) × 100 ms after its schedule;
    // every 10th gets a second message with a new id (duplicate), every 15th the same message
    // again (redelivery), every 25th nothing (lost); a third of the completions beat their response;
    // and messages of ids never accepted come in between.
    const acceptedRequests: AcceptedRequest[] = [];
    const messages: CompletionMessage[] = [];
    for (let i = 0; i < 200; i++) {
      const scheduledMs = i * 50;
      acceptedRequests.push(accepted(`t-${i}`, scheduledMs, scheduledMs + (i % 3 === 0 ? 900 : 20)));
      if (i % 25 === 0) continue;
      const atMs = scheduledMs + 300 + (i % 7) * 100;
      messages.push(message(`t-${i}`, `m-${i}`, atMs));
      if (i % 10 === 0) messages.push(message(`t-${i}`, `m-${i}-second`, atMs + 40));
      if (i % 15 === 0) messages.push(message(`t-${i}`, `m-${i}`, atMs + 70));
      if (i % 9 === 0) messages.push(message(`warm-up-${i}`, `w-${i}`, atMs + 5));
    }
    const timeOf = (event: Event) => ('accept' in event ? event.accept.acceptedMs : event.complete.atMs);
    const events: Event[] = [...acceptedRequests.map((accept) => ({ accept })), ...messages.map((complete) => ({ complete }))].sort(
      (a, b) => timeOf(a) - timeOf(b),
    );
    const observations: AsyncObservations = {
      channel: 'driver.assigned',
      requestId: '/id',
      completionId: '/payload/tripId',
      messageId: '/id',
      drainMs: 5_000,
      accepted: acceptedRequests,
      acceptedWithoutId: 0,
      completions: messages.sort((a, b) => a.atMs - b.atMs),
      unreadable: 0,
      observedUntilMs: 20_000,
      stopped: 'drain-elapsed',
      disconnections: [],
    };
    const outcomes = asyncOutcomes(recording({ durationMs: 10_000, async: observations }));
    if (!outcomes.available) throw new Error(outcomes.reason);
    const live = totals(events);
    expect(live.accepted).toBe(outcomes.requests.length);
    expect(live.completed).toBe(outcomes.requests.filter((r) => r.completedMs !== undefined).length);
    expect(live.duplicates).toBe(duplicatesOf(outcomes.requests));
    expect(live.redeliveries).toBe(redeliveriesOf(outcomes.requests));
    expect([...live.latenciesMs].sort((a, b) => a - b)).toEqual(sortedAsyncLatencies(outcomes.requests));
    // The hand count, so that the two cannot agree on a wrong number: every 25th lost (8); every
    // 10th duplicated but the 4 of those lost (0, 50, 100, 150); every 15th redelivered but the 3
    // lost (0, 75, 150).
    expect(live).toMatchObject({ accepted: 200, completed: 192, duplicates: 16, redeliveries: 11 });
  });
});
