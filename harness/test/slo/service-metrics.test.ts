import { describe, expect, it } from 'vitest';
import type { MetricSample } from '../../src/model/recording.ts';
import { failedScrape, metric, recording, scrape, slo } from '../fixtures/builders.ts';
import { verdictOf } from './helpers.ts';

const windows = [
  { name: 'whole', startMs: 0, endMs: 10_000 },
  { name: 'fault', startMs: 3000, endMs: 6000 },
  { name: 'recovery', startMs: 6000, endMs: 10_000 },
];
const dep = (service: string, dependency: string, name: string, value: number, labels: Record<string, string> = {}): MetricSample =>
  metric(name, { service, dependency, ...labels }, value);

describe('counter metrics from scrapes', () => {
  // dispatch -> pricing and dispatch -> drivers, scraped at 2000, 4000, 7000 ms.
  const at = (t: number, n: number) =>
    scrape(t, 'dispatch', [
      dep('dispatch', 'pricing', 'dependency_attempts_total', 10 * n, { outcome: 'success' }),
      dep('dispatch', 'pricing', 'dependency_attempts_total', 3 * n, { outcome: 'timeout' }),
      dep('dispatch', 'drivers', 'dependency_attempts_total', 1 * n, { outcome: 'timeout' }),
      dep('dispatch', 'pricing', 'bulkhead_rejections_total', 2 * n),
      // Why a call ended (outcome) and whether a fallback answered (fallback) are two labels:
      // fallbacks = (1 + 3)·n, short circuits = (3 + 2)·n.
      dep('dispatch', 'pricing', 'dependency_request_duration_seconds_count', 1 * n, { outcome: 'error', fallback: 'true' }),
      dep('dispatch', 'pricing', 'dependency_request_duration_seconds_count', 3 * n, { outcome: 'short_circuit', fallback: 'true' }),
      dep('dispatch', 'pricing', 'dependency_request_duration_seconds_count', 2 * n, { outcome: 'short_circuit', fallback: 'false' }),
      dep('dispatch', 'pricing', 'dependency_request_duration_seconds_count', 7 * n, { outcome: 'timeout', fallback: 'false' }),
      dep('dispatch', 'pricing', 'dependency_request_duration_seconds_count', 50 * n, { outcome: 'success', fallback: 'false' }),
      metric('side_effect_duplicates_total', { service: 'dispatch' }, 6 * n),
    ]);
  const run = recording({ durationMs: 10_000, windows, scrapes: [at(2000, 1), at(4000, 2), at(7000, 5)] });

  it('takes the increase from the last scrape at or before the window start to the last at or before its end', () => {
    // fault [3000, 6000]: scrape 2000 (n=1) → scrape 4000 (n=2).
    expect(verdictOf(run, slo({ kind: 'timeouts', service: 'dispatch', dependency: 'pricing' }, '<', 100, 'fault')).measured).toBe(3);
  });

  it('counts from 0 when no scrape precedes the window start', () => {
    expect(verdictOf(run, slo({ kind: 'timeouts', dependency: 'pricing' }, '<', 100, 'whole')).measured).toBe(15);
  });

  it('sums over every dependency when the SLO names none', () => {
    expect(verdictOf(run, slo({ kind: 'timeouts' }, '<', 100, 'whole')).measured).toBe(20);
  });

  it('reads bulkhead rejections, fallbacks, short circuits and duplicate side effects', () => {
    expect(verdictOf(run, slo({ kind: 'bulkhead_rejections' }, '<', 100, 'recovery')).measured).toBe(6);
    expect(verdictOf(run, slo({ kind: 'fallbacks' }, '<', 100, 'recovery')).measured).toBe(12);
    expect(verdictOf(run, slo({ kind: 'short_circuits' }, '<', 100, 'recovery')).measured).toBe(15);
    expect(verdictOf(run, slo({ kind: 'duplicate_side_effects', service: 'dispatch' }, '==', 0, 'recovery')).measured).toBe(18);
  });

  it('measures 0 for a service or dependency that has no such series', () => {
    expect(verdictOf(run, slo({ kind: 'timeouts', service: 'gateway' }, '==', 0)).measured).toBe(0);
  });

  it('uses the scrape target as the service when a series has no service label', () => {
    const unlabelled = recording({
      durationMs: 10_000,
      scrapes: [scrape(1000, 'pricing', [metric('bulkhead_rejections_total', { dependency: 'db' }, 9)])],
    });
    expect(verdictOf(unlabelled, slo({ kind: 'bulkhead_rejections', service: 'pricing' }, '==', 0)).measured).toBe(9);
  });
});

describe('counter resets when a service restarts', () => {
  const calls = (t: number, value: number, extra: MetricSample[] = []) =>
    scrape(t, 'dispatch', [dep('dispatch', 'pricing', 'dependency_calls_total', value), ...extra]);

  it('adds the post-restart value when a cumulative counter drops', () => {
    const rejections = (t: number, value: number) => scrape(t, 'dispatch', [dep('dispatch', 'pricing', 'bulkhead_rejections_total', value)]);
    // 10, 40, (down), restarted: 5, 25 → cumulatively 10, 40, 45, 65.
    const run = recording({
      durationMs: 10_000,
      windows,
      scrapes: [rejections(1000, 10), rejections(2000, 40), failedScrape(3000, 'dispatch'), rejections(4000, 5), rejections(7000, 25)],
    });
    expect(verdictOf(run, slo({ kind: 'bulkhead_rejections' }, '<', 100, 'whole')).measured).toBe(65);
    expect(verdictOf(run, slo({ kind: 'bulkhead_rejections' }, '<', 100, 'fault')).measured).toBe(5);
    expect(verdictOf(run, slo({ kind: 'bulkhead_rejections' }, '<', 100, 'recovery')).measured).toBe(20);
  });

  it('detects a restart from a vanished series even when the counter came back higher', () => {
    const timeouts = (value: number) => dep('dispatch', 'pricing', 'dependency_attempts_total', value, { outcome: 'timeout' });
    const run = recording({
      durationMs: 10_000,
      windows,
      // Before the restart: 4 timeouts. After: the timeout series is gone at 4000 (nothing timed
      // out yet), then back at 7 — 4 + 7 = 11 in all, not 7.
      scrapes: [calls(1000, 10, [timeouts(4)]), calls(4000, 1), calls(5000, 20, [timeouts(7)])],
    });
    expect(verdictOf(run, slo({ kind: 'timeouts' }, '<', 100)).measured).toBe(11);
  });

  it('detects a restart from a new process start time', () => {
    const started = (seconds: number) => metric('process_start_time_seconds', {}, seconds);
    const run = recording({
      durationMs: 10_000,
      windows,
      scrapes: [
        calls(1000, 3, [started(100), dep('dispatch', 'pricing', 'dependency_attempts_total', 3)]),
        calls(5000, 8, [started(104), dep('dispatch', 'pricing', 'dependency_attempts_total', 12)]),
      ],
    });
    // calls 3 + 8 = 11, attempts 3 + 12 = 15.
    expect(verdictOf(run, slo({ kind: 'retry_amplification' }, '<', 2)).measured).toBeCloseTo(15 / 11, 12);
  });
});

describe('retry amplification', () => {
  const run = recording({
    durationMs: 10_000,
    windows,
    scrapes: [
      scrape(1000, 'dispatch', [
        dep('dispatch', 'pricing', 'dependency_calls_total', 10),
        dep('dispatch', 'pricing', 'dependency_attempts_total', 10, { outcome: 'success' }),
      ]),
      scrape(5000, 'dispatch', [
        dep('dispatch', 'pricing', 'dependency_calls_total', 30),
        dep('dispatch', 'pricing', 'dependency_attempts_total', 20, { outcome: 'success' }),
        dep('dispatch', 'pricing', 'dependency_attempts_total', 40, { outcome: 'timeout' }),
      ]),
    ],
  });

  it('is the increase in attempts over the increase in calls, every outcome summed', () => {
    // fault [3000, 6000]: calls 30 − 10 = 20, attempts 60 − 10 = 50.
    const verdict = verdictOf(run, slo({ kind: 'retry_amplification', service: 'dispatch', dependency: 'pricing' }, '<', 2, 'fault'));
    expect(verdict.measured).toBe(2.5);
    expect(verdict.detail).toBe('retry amplification of dispatch -> pricing was 2.50×, threshold < 2.00× (0.50× over)');
  });

  it('cannot be measured when no call was made in the window', () => {
    expect(verdictOf(run, slo({ kind: 'retry_amplification' }, '<', 2, 'recovery')).measured).toBeNull();
  });

  it('leaves out calls never sent: a breaker that short-circuits cannot pull it below 1', () => {
    // No retries: every call that reached the network made one attempt (10, then 20 more); the
    // breaker refused 50 more before any attempt, counted apart as unsent.
    const noRetries = recording({
      durationMs: 10_000,
      windows,
      scrapes: [
        scrape(1000, 'trip', [
          dep('trip', 'dispatch', 'dependency_calls_total', 10),
          dep('trip', 'dispatch', 'dependency_attempts_total', 10, { outcome: 'success' }),
          dep('trip', 'dispatch', 'dependency_calls_unsent_total', 0, { outcome: 'short_circuit' }),
        ]),
        scrape(5000, 'trip', [
          dep('trip', 'dispatch', 'dependency_calls_total', 30),
          dep('trip', 'dispatch', 'dependency_attempts_total', 15, { outcome: 'success' }),
          dep('trip', 'dispatch', 'dependency_attempts_total', 15, { outcome: 'error' }),
          dep('trip', 'dispatch', 'dependency_calls_unsent_total', 50, { outcome: 'short_circuit' }),
        ]),
      ],
    });
    expect(verdictOf(noRetries, slo({ kind: 'retry_amplification' }, '==', 1, 'fault')).measured).toBe(1);
    expect(verdictOf(noRetries, slo({ kind: 'retry_amplification' }, '==', 1, 'whole')).measured).toBe(1);
  });
});

describe('breaker time to open', () => {
  const breaker = (t: number, state: number, opened?: number) =>
    scrape(t, 'dispatch', [
      dep('dispatch', 'pricing', 'circuit_breaker_state', state),
      ...(opened === undefined ? [] : [dep('dispatch', 'pricing', 'circuit_breaker_transitions_total', opened, { to: 'open' })]),
    ]);
  const toOpen = slo({ kind: 'breaker_time_to_open', service: 'dispatch' }, '<', 2000, 'fault');

  it('is the first scrape in the window showing the breaker open, minus the window start', () => {
    const run = recording({ durationMs: 10_000, windows, scrapes: [breaker(3000, 0), breaker(4000, 0), breaker(4500, 1, 1), breaker(5000, 1, 1)] });
    expect(verdictOf(run, toOpen).measured).toBe(1500);
  });

  it('sees a breaker that opened and went half-open between two scrapes by its transition count', () => {
    const run = recording({ durationMs: 10_000, windows, scrapes: [breaker(3000, 0, 0), breaker(4000, 2, 1), breaker(5000, 1, 2)] });
    expect(verdictOf(run, toOpen).measured).toBe(1000);
  });

  it('ignores openings outside the window', () => {
    const run = recording({ durationMs: 10_000, windows, scrapes: [breaker(2000, 1, 1), breaker(3500, 0, 1), breaker(7000, 1, 2)] });
    const verdict = verdictOf(run, toOpen);
    expect(verdict.measured).toBeNull();
    expect(verdict.detail).toContain('the breaker never opened in window fault');
  });

  it('cannot be measured for a service without breaker metrics', () => {
    const run = recording({ durationMs: 10_000, windows, scrapes: [scrape(4000, 'dispatch', [])] });
    expect(verdictOf(run, toOpen).detail).toContain('no circuit breaker metrics were scraped');
  });
});

describe('breaker time to close', () => {
  const states = (t: number, pricing: number, drivers = 0) =>
    scrape(t, 'dispatch', [dep('dispatch', 'pricing', 'circuit_breaker_state', pricing), dep('dispatch', 'drivers', 'circuit_breaker_state', drivers)]);
  const toClose = (dependency?: string) => slo({ kind: 'breaker_time_to_close', ...(dependency === undefined ? {} : { dependency }) }, '<', 3000, 'recovery');

  it('is the first scrape from which every breaker stays closed to the window end', () => {
    // Closed at 7000, half-open again at 8000, closed from 9000 on.
    const run = recording({ durationMs: 10_000, windows, scrapes: [states(5500, 1), states(7000, 0), states(8000, 2), states(9000, 0), states(10_000, 0)] });
    expect(verdictOf(run, toClose()).measured).toBe(3000);
  });

  it('is 0 when every breaker was already closed at the window start', () => {
    const run = recording({ durationMs: 10_000, windows, scrapes: [states(5500, 0), states(7000, 0)] });
    expect(verdictOf(run, toClose()).measured).toBe(0);
  });

  it('waits for every matching breaker, and only the matching ones', () => {
    const run = recording({ durationMs: 10_000, windows, scrapes: [states(5500, 1, 1), states(7000, 0, 1), states(8000, 0, 0)] });
    expect(verdictOf(run, toClose()).measured).toBe(2000);
    expect(verdictOf(run, toClose('pricing')).measured).toBe(1000);
  });

  it('is null when a breaker is still open or half-open at the window end', () => {
    const run = recording({ durationMs: 10_000, windows, scrapes: [states(5500, 1), states(7000, 0), states(9000, 2)] });
    expect(verdictOf(run, toClose()).measured).toBeNull();
  });
});
