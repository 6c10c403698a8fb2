import { describe, expect, it } from 'vitest';
import { amplificationLines } from '../../src/report/html/series.ts';
import { dependencySeries } from '../../src/slo/dependency-series.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { metric, recording, scenario, scrape, slo } from '../fixtures/builders.ts';

const trip = (name: string, value: number, labels: Record<string, string> = {}) => metric(name, { service: 'trip', dependency: 'dispatch', ...labels }, value);

/** One scrape of trip → dispatch as the services expose it (cumulative counters). */
const at = (t: number, sent: number, attempts: number, shortCircuited: number) =>
  scrape(t, 'trip', [
    trip('dependency_calls_total', sent),
    trip('dependency_attempts_total', attempts - (2 * sent) / 10, { outcome: 'success' }),
    trip('dependency_attempts_total', (2 * sent) / 10, { outcome: 'timeout' }),
    trip('dependency_calls_unsent_total', shortCircuited, { outcome: 'short_circuit' }),
    trip('bulkhead_rejections_total', 1),
    trip('dependency_request_duration_seconds_count', sent - 3, { outcome: 'success', fallback: 'false' }),
    trip('dependency_request_duration_seconds_count', 3, { outcome: 'timeout', fallback: 'true' }),
    trip('dependency_request_duration_seconds_count', shortCircuited, { outcome: 'short_circuit', fallback: 'true' }),
    trip('dependency_request_duration_seconds_count', 2, { outcome: 'short_circuit', fallback: 'false' }),
  ]);

describe('the dependency series', () => {
  it('counts a short-circuited call the fallback answered both as a short circuit and as a fallback', () => {
    const [point] = dependencySeries([at(1000, 20, 30, 7)]);
    expect(point).toEqual({
      t: 1000,
      service: 'trip',
      dependency: 'dispatch',
      calls: 20,
      attempts: 30,
      timeouts: 4,
      rejections: 1,
      // outcome="short_circuit": 7 answered by the fallback + 2 not.
      shortCircuits: 9,
      // fallback="true": 3 timeouts + 7 short circuits.
      fallbacks: 10,
    });
  });

  it('charts per interval exactly the retry amplification the SLO measures over the same interval', () => {
    // Interval (1000, 3000]: calls 40 − 10 = 30, attempts 75 − 12 = 63 → 2.1×; the 100
    // short-circuited calls are neither.
    const run = recording({
      durationMs: 4000,
      windows: [{ name: 'between', startMs: 1000, endMs: 3000 }],
      scrapes: [at(1000, 10, 12, 0), at(3000, 40, 75, 100)],
    });
    const result = analyse(run, scenario([slo({ kind: 'retry_amplification', service: 'trip', dependency: 'dispatch' }, '<', 3, 'between')]));
    const [line] = amplificationLines(result);
    expect(line!.points).toEqual([[3000, 2.1]]);
    expect(result.slos[0]!.measured).toBe(2.1);
  });
});
