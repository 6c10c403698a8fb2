import { describe, expect, it } from 'vitest';
import type { PolicyEvent, Recording } from '../../src/model/recording.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { metric, recording, scenario, scrape, slo } from '../fixtures/builders.ts';
import { verdictOf } from './helpers.ts';

/**
 * Known answers for the breaker metrics and the breaker band when the services recorded their
 * transitions: times come from the events, exactly, and the scrapes (one a second, which alone
 * would answer to the second) are only the fallback for a service without an event log.
 */
const windows = [
  { name: 'whole', startMs: 0, endMs: 30_000 },
  { name: 'fault', startMs: 10_000, endMs: 20_000 },
  { name: 'recovery', startMs: 20_000, endMs: 30_000 },
];
const states = ['closed', 'open', 'half_open'];

const event = (atMs: number, from: string, to: string, service = 'trip', dependency = 'dispatch'): PolicyEvent => ({ atMs, service, dependency, from, to });

/** trip -> dispatch: opens at 10 437.25 ms, a 30 ms half-open trial at 13 437.25 fails, half-open
 * again at 21 000.5, closes at 21 100.5. */
const tripEvents = [
  event(10_437.25, 'closed', 'open'),
  event(13_437.25, 'open', 'half_open'),
  event(13_467.25, 'half_open', 'open'),
  event(21_000.5, 'open', 'half_open'),
  event(21_100.5, 'half_open', 'closed'),
];

/** What the gauge showed at each whole second for these events (the scrape's view). */
function scrapesFor(events: readonly PolicyEvent[], service = 'trip', dependency = 'dispatch') {
  const result = [];
  for (let t = 0; t <= 30_000; t += 1000) {
    const current = events.filter((e) => e.service === service && e.dependency === dependency && e.atMs <= t).at(-1)?.to ?? 'closed';
    const opened = events.filter((e) => e.service === service && e.dependency === dependency && e.atMs <= t && e.to === 'open').length;
    result.push(
      scrape(t, service, [
        metric('circuit_breaker_state', { service, dependency }, states.indexOf(current)),
        metric('circuit_breaker_transitions_total', { service, dependency, from: 'closed', to: 'open' }, opened),
      ]),
    );
  }
  return result;
}

function run(parts: Partial<Recording> = {}): Recording {
  return recording({
    durationMs: 30_000,
    windows,
    scrapes: scrapesFor(tripEvents),
    policyEvents: tripEvents,
    policyEventSources: [{ service: 'trip', missed: 0 }],
    ...parts,
  });
}

const toOpen = slo({ kind: 'breaker_time_to_open', service: 'trip', dependency: 'dispatch' }, '<', 2000, 'fault');
const toClose = slo({ kind: 'breaker_time_to_close', service: 'trip' }, '<', 3000, 'recovery');

describe('breaker time to open from the recorded transitions', () => {
  it('is the first transition to open in the window minus the window start, to the fraction of a millisecond', () => {
    const verdict = verdictOf(run(), toOpen);
    expect(verdict.measured).toBe(437.25);
    expect(verdict.detail).toBe('breaker time to open of trip -> dispatch was 437 ms, threshold < 2000 ms (1563 ms to spare)');
  });

  it('falls back to the scrapes for a service without an event log, and says so', () => {
    const verdict = verdictOf(run({ policyEventSources: [] }), toOpen);
    // The first scrape after the opening is at 11 s.
    expect(verdict.measured).toBe(1000);
    expect(verdict.detail).toContain('from scrapes, to the scrape interval (trip has no breaker event log)');
  });

  it('falls back to the scrapes when the log lost transitions', () => {
    const verdict = verdictOf(run({ policyEventSources: [{ service: 'trip', missed: 3 }] }), toOpen);
    expect(verdict.measured).toBe(1000);
    expect(verdict.detail).toContain("trip's breaker event log lost 3 transitions");
  });

  it('falls back when any matching breaker’s service has no log', () => {
    const gateway = [event(10_200, 'closed', 'open', 'gateway', 'trip')];
    const verdict = verdictOf(
      run({ policyEvents: [...tripEvents, ...gateway], scrapes: [...scrapesFor(tripEvents), ...scrapesFor(gateway, 'gateway', 'trip')] }),
      slo({ kind: 'breaker_time_to_open' }, '<', 2000, 'fault'),
    );
    expect(verdict.measured).toBe(1000);
    expect(verdict.detail).toContain('gateway has no breaker event log');
    const both = run({
      policyEvents: [...tripEvents, ...gateway],
      policyEventSources: [
        { service: 'gateway', missed: 0 },
        { service: 'trip', missed: 0 },
      ],
    });
    expect(verdictOf(both, slo({ kind: 'breaker_time_to_open' }, '<', 2000, 'fault')).measured).toBe(200);
  });

  it('cannot be measured when the breaker never opened in the window, even if it opened before', () => {
    const verdict = verdictOf(
      run({ policyEvents: [event(5000, 'closed', 'open'), event(8000, 'open', 'half_open'), event(8010, 'half_open', 'closed')] }),
      toOpen,
    );
    expect(verdict.measured).toBeNull();
    expect(verdict.detail).toContain('the breaker never opened in window fault');
    expect(verdict.detail).not.toContain('from scrapes');
  });
});

describe('breaker time to close from the recorded transitions', () => {
  it('is the last transition to closed, when every breaker stays closed to the window end', () => {
    const verdict = verdictOf(run(), toClose);
    expect(verdict.measured).toBe(1100.5);
    expect(verdict.detail).not.toContain('from scrapes');
  });

  it('is 0 when the breakers were closed at the window start and stayed so', () => {
    expect(
      verdictOf(run({ policyEvents: tripEvents.slice(0, 3).concat(event(19_000, 'open', 'half_open'), event(19_050, 'half_open', 'closed')) }), toClose)
        .measured,
    ).toBe(0);
  });

  it('cannot be measured while a breaker is half-open at the window end', () => {
    const verdict = verdictOf(run({ policyEvents: [...tripEvents, event(29_000, 'closed', 'open'), event(29_990, 'open', 'half_open')] }), toClose);
    expect(verdict.measured).toBeNull();
    expect(verdict.detail).toContain('the breaker was not closed at the end of window recovery');
  });

  it('falls back to the scrapes without a log: the first scrape that saw it closed', () => {
    const verdict = verdictOf(run({ policyEventSources: [] }), toClose);
    expect(verdict.measured).toBe(2000);
    expect(verdict.detail).toContain('from scrapes, to the scrape interval');
  });
});

describe('the breaker band', () => {
  const spansOf = (recorded: Recording) => analyse(recorded, scenario([])).breakerSpans.map((s) => [s.state, s.fromMs, s.toMs, s.source]);

  it('shows every transition at its time, a 30 ms half-open trial included', () => {
    expect(spansOf(run())).toEqual([
      ['closed', 0, 10_437.25, 'events'],
      ['open', 10_437.25, 13_437.25, 'events'],
      ['half_open', 13_437.25, 13_467.25, 'events'],
      ['open', 13_467.25, 21_000.5, 'events'],
      ['half_open', 21_000.5, 21_100.5, 'events'],
      ['closed', 21_100.5, 30_000, 'events'],
    ]);
  });

  it('starts the load in the state transitions before t = 0 left it in, and ends with the load', () => {
    const warm = [event(-800, 'closed', 'open'), event(2000, 'open', 'half_open'), event(2010, 'half_open', 'closed'), event(30_500, 'closed', 'open')];
    expect(spansOf(run({ policyEvents: warm }))).toEqual([
      ['open', 0, 2000, 'events'],
      ['half_open', 2000, 2010, 'events'],
      ['closed', 2010, 30_000, 'events'],
    ]);
  });

  it('is sampled by the scrapes for a service without a log, where the 30 ms trial is invisible', () => {
    const spans = spansOf(run({ policyEventSources: [] }));
    expect(spans).toEqual([
      ['closed', 0, 11_000, 'scrapes'],
      ['open', 11_000, 22_000, 'scrapes'],
      ['closed', 22_000, 30_000, 'scrapes'],
    ]);
  });

  it('merges scrapes with the same state, and a scrape without the state is a gap', () => {
    const gauge = (t: number, state?: number) =>
      scrape(
        t,
        'trip',
        state === undefined
          ? [metric('dependency_calls_total', { service: 'trip', dependency: 'dispatch' }, 1)]
          : [metric('circuit_breaker_state', { service: 'trip', dependency: 'dispatch' }, state)],
      );
    const recorded = recording({ durationMs: 6000, scrapes: [gauge(0, 0), gauge(1000, 0), gauge(2000, 1), gauge(3000), gauge(4000, 2)] });
    expect(spansOf(recorded)).toEqual([
      ['closed', 0, 2000, 'scrapes'],
      ['open', 2000, 3000, 'scrapes'],
      ['half_open', 4000, 6000, 'scrapes'],
    ]);
  });
});
