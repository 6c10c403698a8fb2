import { describe, expect, it } from 'vitest';
import { k6Duration, k6ScenarioFor } from '../../src/k6/executor.ts';
import { translateSlos } from '../../src/k6/thresholds.ts';
import type { LoadSpec, SloSpec } from '../../src/scenario/model.ts';

const load = (stages: LoadSpec['stages'], overrides: Partial<LoadSpec> = {}): LoadSpec => ({
  target: 'gateway',
  method: 'GET',
  path: '/',
  headers: {},
  stages,
  maxInFlight: 50,
  timeoutMs: 1000,
  ...overrides,
});

const slo = (expression: string, metric: SloSpec['metric'], op: SloSpec['op'], threshold: number, window = 'whole'): SloSpec => ({
  name: expression,
  expression,
  window,
  metric,
  op,
  threshold,
});

describe('k6ScenarioFor', () => {
  it('writes whole seconds as seconds and anything else as milliseconds', () => {
    expect([k6Duration(52_000), k6Duration(11_250), k6Duration(0)]).toEqual(['52s', '11250ms', '0s']);
  });

  it('counts fractional rates per 10 s instead of rounding them', () => {
    const scenario = k6ScenarioFor(load([{ durationMs: 10_000, fromRate: 2.5, toRate: 2.5 }]));
    expect(scenario).toMatchObject({ executor: 'constant-arrival-rate', rate: 25, timeUnit: '10s' });
  });

  it('adds a 0 s jump where a stage starts away from the previous target', () => {
    const scenario = k6ScenarioFor(
      load([
        { durationMs: 5000, fromRate: 10, toRate: 10 },
        { durationMs: 5000, fromRate: 30, toRate: 30 },
      ]),
    );
    expect(scenario).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 10,
      stages: [
        { target: 10, duration: '5s' },
        { target: 30, duration: '0s' },
        { target: 30, duration: '5s' },
      ],
    });
  });

  it('caps VUs at maxInFlight so k6 drops what faultline would drop', () => {
    const scenario = k6ScenarioFor(load([{ durationMs: 5000, fromRate: 1000, toRate: 1000 }], { maxInFlight: 64, timeoutMs: 5000 }));
    expect(scenario).toMatchObject({ maxVUs: 64, preAllocatedVUs: 64 });
  });
});

describe('translateSlos', () => {
  it('turns a success rate floor into a failure rate ceiling', () => {
    const { thresholds } = translateSlos([slo('success_rate >= 99%', { kind: 'success_rate' }, '>=', 0.99)]);
    expect(thresholds.map((t) => [t.metric, t.expression])).toEqual([['http_req_failed', 'rate<=0.01']]);
  });

  it('keeps SLOs on other windows and service metrics for faultline, saying why', () => {
    const { thresholds, skipped } = translateSlos([
      slo('p(99) < 800ms', { kind: 'latency_percentile', percentile: 99 }, '<', 800, 'fault'),
      slo('timeouts == 0', { kind: 'timeouts' }, '==', 0),
      slo('p(99.9) < 1s', { kind: 'latency_percentile', percentile: 99.9 }, '<', 1000),
    ]);
    expect(thresholds.map((t) => t.expression)).toEqual(['p(99.9)<1000']);
    expect(skipped.map((s) => s.reason)).toEqual([expect.stringContaining('window'), expect.stringContaining('/metrics')]);
  });
});
