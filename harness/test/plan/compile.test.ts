import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { FaultlineError } from '../../src/errors.ts';
import { compilePlan, scrapeIntervalMs } from '../../src/plan/compile.ts';
import { formatPlan } from '../../src/plan/format.ts';
import { loadScenario } from '../../src/gate/index.ts';
import type { FaultSpec, Scenario } from '../../src/scenario/model.ts';
import { taxiTopology } from '../../src/topology/taxi.ts';
import { captureIo } from '../scenario/capture.ts';

const taxi = taxiTopology();

function scenarioWith(faults: FaultSpec[], overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 't',
    description: 'd',
    hypothesis: '',
    file: '/tmp/t.yaml',
    topology: 'taxi',
    profile: 'resilient',
    seed: 1,
    load: {
      target: 'gateway',
      method: 'GET',
      path: '/',
      headers: {},
      stages: [{ durationMs: 40_000, fromRate: 10, toRate: 10 }],
      maxInFlight: 10,
      timeoutMs: 5000,
    },
    faults,
    slos: [],
    windows: [{ name: 'late', startMs: 30_000, endMs: 40_000 }],
    ...overrides,
  };
}

const down = (id: string, atMs: number, forMs?: number): FaultSpec => ({
  kind: 'down',
  id,
  atMs,
  ...(forMs === undefined ? {} : { forMs }),
  caller: 'trip',
  callee: 'dispatch',
});

describe('compilePlan', () => {
  it('computes the built-in windows from the first fault start and the last fault end', () => {
    const plan = compilePlan(scenarioWith([down('a', 10_000, 5000), { kind: 'crash', id: 'b', atMs: 12_000, forMs: 8000, service: 'passenger' }]), taxi);
    expect(plan.windows).toEqual([
      { name: 'whole', startMs: 0, endMs: 40_000 },
      { name: 'baseline', startMs: 0, endMs: 10_000 },
      { name: 'fault', startMs: 10_000, endMs: 20_000 },
      { name: 'recovery', startMs: 20_000, endMs: 40_000 },
      { name: 'late', startMs: 30_000, endMs: 40_000 },
    ]);
    expect(plan.durationMs).toBe(40_000);
  });

  it('sorts events by time, a remove before an apply at the same time', () => {
    const plan = compilePlan(scenarioWith([down('second', 20_000, 5000), down('first', 5000, 15_000)]), taxi);
    expect(plan.events).toEqual([
      { atMs: 5000, action: 'apply', faultId: 'first' },
      { atMs: 20_000, action: 'remove', faultId: 'first' },
      { atMs: 20_000, action: 'apply', faultId: 'second' },
      { atMs: 25_000, action: 'remove', faultId: 'second' },
    ]);
  });

  it('ends an open fault with the load, but leaves a crash without `for` down and a restart instantaneous', () => {
    const plan = compilePlan(
      scenarioWith([
        down('open', 10_000),
        { kind: 'crash', id: 'kill', atMs: 15_000, service: 'passenger' },
        { kind: 'restart', id: 'bounce', atMs: 20_000, service: 'dispatch' },
      ]),
      taxi,
    );
    expect(plan.events.map((e) => `${e.atMs} ${e.action} ${e.faultId}`)).toEqual([
      '10000 apply open',
      '15000 apply kill',
      '20000 apply bounce',
      '40000 remove open',
    ]);
    expect(plan.windows.map((w) => w.name)).toEqual(['whole', 'baseline', 'fault', 'late']);
  });

  it('scales every scenario duration by the time scale, but not thresholds or toxic attributes', () => {
    const latency: FaultSpec = {
      kind: 'toxic',
      id: 'l',
      atMs: 10_000,
      forMs: 10_000,
      caller: 'trip',
      callee: 'passenger',
      toxic: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 800, jitter: 0 },
    };
    const slo = {
      name: 'p',
      expression: 'p(99) < 1s',
      window: 'fault',
      metric: { kind: 'latency_percentile' as const, percentile: 99 },
      op: '<' as const,
      threshold: 1000,
    };
    const plan = compilePlan(scenarioWith([latency], { slos: [slo] }), taxi, { timeScale: 0.25 });
    expect(plan.durationMs).toBe(10_000);
    expect(plan.load.stages[0]!.durationMs).toBe(10_000);
    expect(plan.load.timeoutMs).toBe(5000);
    expect(plan.faults[0]).toMatchObject({ atMs: 2500, forMs: 2500, attributes: { latency: 800 } });
    expect(plan.windows.find((w) => w.name === 'late')).toEqual({ name: 'late', startMs: 7500, endMs: 10_000 });
    expect(plan.scenario.slos[0]!.threshold).toBe(1000);
    expect(plan.scrapeIntervalMs).toBe(250);
  });

  it('scrapes once a second at full scale and never more often than every 200 ms', () => {
    expect(scrapeIntervalMs(1)).toBe(1000);
    expect(scrapeIntervalMs(0.5)).toBe(500);
    expect(scrapeIntervalMs(0.1)).toBe(200);
  });

  it('plans one proxy per edge, and takes profile and seed from options over the scenario', () => {
    const plan = compilePlan(scenarioWith([]), taxi, { profile: 'naive', seed: 42 });
    expect(plan.proxies.map((p) => p.name)).toEqual(['gateway_to_trip', 'trip_to_passenger', 'trip_to_dispatch', 'trip_to_notification']);
    expect(plan).toMatchObject({ profile: 'naive', seed: 42, timeScale: 1 });
    expect(plan.windows.map((w) => w.name)).toEqual(['whole', 'baseline', 'late']);
  });

  it('rejects a time scale that is not a positive number', () => {
    expect(() => compilePlan(scenarioWith([]), taxi, { timeScale: 0 })).toThrow(FaultlineError);
    expect(() => compilePlan(scenarioWith([]), taxi, { timeScale: Number.NaN })).toThrow(/time-scale/);
  });

  it('is pure: the same inputs give the same plan', async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '..', 'scenario', 'fixtures', 'good', 'full.yaml'));
    expect(compilePlan(scenario, taxi, { timeScale: 0.5 })).toEqual(compilePlan(scenario, taxi, { timeScale: 0.5 }));
  });
});

describe('formatPlan and `faultline plan`', () => {
  it('prints the timeline with proxies, load, windows and SLOs', async () => {
    const c = captureIo();
    expect(await main(['plan', 'dispatch-outage'], c.io)).toBe(0);
    const text = c.text().stdout;
    expect(text).toContain('t=12.0s   apply  down trip -> dispatch (proxy trip_to_dispatch)');
    expect(text).toContain('t=32.0s   remove down trip -> dispatch (proxy trip_to_dispatch)');
    expect(text).toContain('t=0.0s    30/s for 52s');
    expect(text).toContain('warm-up 2s');
    expect(text).toMatch(/fault\s+t=12.0s .. t=32.0s/);
    expect(text).toContain('[fault] p(90) < 500ms');
  });

  it('applies --time-scale, --profile and --seed', async () => {
    const c = captureIo();
    expect(await main(['plan', 'dispatch-outage', '--time-scale', '0.25', '--profile', 'naive', '--seed', '3'], c.io)).toBe(0);
    // Scenario durations shrink; the warm-up (about JIT and connections, not the scenario) does not.
    expect(c.text().stdout).toContain('profile naive, seed 3, time scale 0.25, duration 13s, warm-up 2s, scrape every 250ms');
    expect(c.text().stdout).toContain('t=3.0s    apply  down');
  });

  it('answers bad options and unknown scenarios with exit 2', async () => {
    const c = captureIo();
    expect(await main(['plan', 'dispatch-outage', '--time-scale', '-1'], c.io)).toBe(2);
    expect(await main(['plan', 'no-such-scenario'], c.io)).toBe(2);
    expect(await main(['plan'], c.io)).toBe(2);
    expect(c.text().stderr).toContain("unknown scenario 'no-such-scenario'");
  });

  it('describes every fault kind', async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '..', 'scenario', 'fixtures', 'good', 'full.yaml'));
    const text = formatPlan(compilePlan(scenario, taxi));
    expect(text).toContain('latency trip -> passenger (proxy trip_to_passenger, upstream toxicity=0.5, latency=1500 jitter=20)');
    expect(text).toContain('crash passenger');
    expect(text).toContain('http notification (status 503 for 25%, delay 100ms)');
    expect(text).toContain('10/s -> 40/s for 5s');
  });
});
