import { describe, expect, it } from 'vitest';
import type { Recording } from '../../src/model/recording.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { scenario, slo } from '../fixtures/builders.ts';
import { dispatchOutageScenario, naiveDispatchOutage, resilientDispatchOutage } from '../fixtures/dispatch-outage.ts';
import { serviceRestartRun } from '../fixtures/service-restart.ts';
import { savedRun, savedRunNames } from '../fixtures/recordings.ts';
import { untouchedFaultRun, untouchedFaultScenario } from '../fixtures/untouched-fault.ts';

const byName = (result: ReturnType<typeof analyse>) => Object.fromEntries(result.slos.map((verdict) => [verdict.expression, verdict]));

describe('analysis of a dispatch outage on the resilient profile', () => {
  const result = analyse(resilientDispatchOutage(), dispatchOutageScenario());
  const slos = byName(result);

  it('passes every SLO of the scenario', () => {
    expect(result.verdict).toBe('pass');
    expect(result.slos.filter((verdict) => !verdict.passed)).toEqual([]);
  });

  it('sees the breaker open 1.2 s into the fault and close 1.2 s into the recovery', () => {
    expect(slos['breaker_time_to_open < 2s']).toMatchObject({ measured: 1200, margin: 800, unit: 'ms' });
    expect(slos['breaker_time_to_close <= 2s']!.measured).toBe(1200);
  });

  it('measures the errors of the fault and a recovery after 2 s', () => {
    expect(slos['error_rate < 50%']).toMatchObject({ measured: 0.4, detail: 'error rate was 40 %, threshold < 50 % (10 % to spare)' });
    expect(slos['time_to_recover < 3s']!.measured).toBe(2000);
  });

  it('reports every window, the per-second series and the dependency series', () => {
    expect(result.windows.map((window) => [window.name, window.requests, window.ok])).toEqual([
      ['whole', 200, 176],
      ['baseline', 60, 60],
      ['fault', 60, 36],
      ['recovery', 80, 80],
    ]);
    expect(result.series).toHaveLength(10);
    expect(result.series[3]).toEqual({ t: 3000, requests: 20, errors: 20, dropped: 0, p50: 300, p99: 300 });
    const at4200 = result.dependencySeries.find((point) => point.t === 4200)!;
    expect(at4200).toEqual({
      t: 4200,
      service: 'dispatch',
      dependency: 'pricing',
      breakerState: 1,
      calls: 84,
      attempts: 108,
      timeouts: 48,
      rejections: 0,
      shortCircuits: 0,
      fallbacks: 0,
    });
    // Once the breaker is open, calls are short-circuited before any attempt: short circuits and
    // fallbacks grow (the same 20 calls: two labels of one observation), calls and attempts do not.
    expect(result.dependencySeries.find((point) => point.t === 5200)).toMatchObject({ calls: 84, attempts: 108, shortCircuits: 20, fallbacks: 20 });
  });

  it('measures retry amplification over the calls that reached the network only', () => {
    // At the 9200 scrape: calls sent 84 + 64 = 148 (the 36 short-circuited are not calls);
    // attempts 60 + 64 successes + 48 timeouts = 172. Counting the short circuits as calls with no
    // attempt would read 172 / 184 = 0.93× for a run that did retry.
    expect(slos['retry_amplification < 2.5']!.measured).toBeCloseTo(172 / 148, 12);
  });

  it('computes the requests the outage touched from the scrapes and keeps the rest of the record', () => {
    // dispatch -> pricing attempts at the 5200 scrape (108) minus at the 2200 scrape (44).
    expect(result.faults).toEqual([{ ...resilientDispatchOutage().faults[0], requestsAffected: 64 }]);
  });

  it('copies the identity of the run and the scenario', () => {
    expect(result).toMatchObject({
      schemaVersion: 1,
      runId: 'run-fixture',
      scenario: { name: 'dispatch-outage', file: '/fixtures/fixture.yaml' },
      profile: 'resilient',
      status: 'completed',
      durationMs: 10_000,
    });
  });
});

describe('analysis of the same outage on the naive profile', () => {
  const result = analyse(naiveDispatchOutage(), dispatchOutageScenario());
  const slos = byName(result);

  it('fails, and says which SLOs were missed and by how much', () => {
    expect(result.verdict).toBe('fail');
    expect(result.reasons).toEqual([]);
    expect(slos['p(99) < 800ms']!.detail).toBe('p(99) was 2000 ms, threshold < 800 ms (1200 ms over)');
    expect(slos['dropped == 0']).toMatchObject({ measured: 15, passed: false, margin: -15 });
    expect(slos['breaker_time_to_open < 2s']).toMatchObject({ measured: null, passed: false });
    expect(slos['time_to_recover < 3s']).toMatchObject({ measured: 3000, passed: false, margin: 0 });
  });

  it('counts dropped requests as failures of the fault window', () => {
    expect(slos['error_rate < 50%']!.measured).toBe(1);
    expect(result.windows.find((window) => window.name === 'fault')).toMatchObject({ requests: 45, dropped: 15, errorsByKind: { timeout: 45 } });
  });
});

describe('analysis of a run whose fault touched no traffic', () => {
  it('is inconclusive even though every SLO passed', () => {
    const result = analyse(untouchedFaultRun(), untouchedFaultScenario());
    expect(result.slos.every((verdict) => verdict.passed)).toBe(true);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons).toEqual(['Fault latency-gateway-dispatch-0 (toxic on gateway -> dispatch) touched no connection, so it tested nothing.']);
  });
});

describe('analysis across a service restart', () => {
  const run = serviceRestartRun();

  it('adds the counts after the restart to those before it', () => {
    const result = analyse(run, scenario([slo({ kind: 'timeouts', service: 'dispatch' }, '<', 20)]));
    expect(result.slos[0]!.measured).toBe(12);
  });

  it('finds the requests the restart touched in the callers of the restarted service', () => {
    expect(analyse(run, scenario([])).faults[0]!.requestsAffected).toBe(10);
  });

  it('shows the raw counters, drop included, in the dependency series', () => {
    const timeouts = analyse(run, scenario([]))
      .dependencySeries.filter((point) => point.service === 'dispatch')
      .map((point) => point.timeouts);
    expect(timeouts).toEqual([2, 4, 6, 8, 1, 2, 3, 4]);
  });
});

describe('analysis as a pure function', () => {
  it('gives the same result for the same recording, also after a JSON round trip', () => {
    const first = analyse(resilientDispatchOutage(), dispatchOutageScenario());
    const roundTripped = JSON.parse(JSON.stringify(resilientDispatchOutage())) as Recording;
    expect(analyse(roundTripped, dispatchOutageScenario())).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });

  it('does not modify the recording', () => {
    const run = deepFreeze(naiveDispatchOutage());
    expect(() => analyse(run, dispatchOutageScenario())).not.toThrow();
  });

  // A real run has ~400 samples and ~50 scrapes of hundreds of series, failed scrapes and a
  // restart: more paths through analysis than the hand-built recordings take.
  it.each(savedRunNames)('does not modify the real recording of the saved run %s', async (name) => {
    const run = await savedRun(name);
    expect(() => analyse(deepFreeze(run.recording), run.scenario)).not.toThrow();
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
