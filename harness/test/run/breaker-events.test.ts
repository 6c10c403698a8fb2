import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/api/run-scenario.ts';
import { processesTagged, repoRoot } from './helpers.ts';

const tag = `breaker-events-${process.pid}`;
beforeAll(() => {
  process.env.FAULTLINE_TEST_TAG = tag;
});
afterAll(() => {
  delete process.env.FAULTLINE_TEST_TAG;
});

describe('breaker transitions of a real run', () => {
  it('records every transition: the band shows each half-open phase, as many as the services counted', { timeout: 90_000 }, async () => {
    // dispatch-outage at a quarter of its durations: dispatch down for 5 s; trip's breaker on it
    // half-opens 3 s after opening (its profile's delay is not scaled), so at least once.
    const { result, recording } = await runScenario({ scenario: join(repoRoot, 'scenarios', 'dispatch-outage.yaml'), timeScale: 0.25, outDir: false });
    expect(result.status).toBe('completed');

    // Every faultline-aware service's log was read, and none lost anything.
    expect(recording.policyEventSources.map((s) => s.service)).toEqual(['dispatch', 'gateway', 'notification', 'passenger', 'trip']);
    expect(recording.policyEventSources.every((s) => s.missed === 0)).toBe(true);

    const tripDispatch = result.breakerSpans.filter((s) => s.service === 'trip' && s.dependency === 'dispatch');
    expect(tripDispatch.every((s) => s.source === 'events')).toBe(true);
    const halfOpenSpans = result.breakerSpans.filter((s) => s.state === 'half_open');
    expect(tripDispatch.filter((s) => s.state === 'half_open').length).toBeGreaterThanOrEqual(1);

    // The services' own counters at the final scrape (taken with the final read of the events,
    // after the load, when no call is under way): the same number of half-opens.
    const lastScrapes = new Map(recording.scrapes.filter((s) => s.up).map((s) => [s.service, s]));
    const counted = [...lastScrapes.values()]
      .flatMap((s) => s.series)
      .filter((m) => m.name === 'circuit_breaker_transitions_total' && m.labels.to === 'half_open')
      .reduce((sum, m) => sum + m.value, 0);
    expect(counted).toBeGreaterThanOrEqual(1);
    expect(recording.policyEvents.filter((e) => e.to === 'half_open')).toHaveLength(counted);
    expect(halfOpenSpans).toHaveLength(counted);

    // The opening is timed by its event, inside the fault window, and says nothing of scrapes.
    const toOpen = result.slos.find((s) => s.expression.startsWith('breaker_time_to_open'))!;
    const opened = recording.policyEvents.find((e) => e.service === 'trip' && e.dependency === 'dispatch' && e.to === 'open')!;
    const fault = recording.windows.find((w) => w.name === 'fault')!;
    expect(toOpen.measured).toBe(opened.atMs - fault.startMs);
    expect(toOpen.detail).not.toContain('from scrapes');
    // Event times are on the runner's clock: the opening comes after the fault was applied.
    expect(opened.atMs).toBeGreaterThanOrEqual(recording.faults[0]!.appliedAtMs!);
    expect(opened.atMs).toBeLessThan(recording.durationMs);

    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });
});
