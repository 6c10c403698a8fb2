import { describe, expect, it } from 'vitest';
import { builtinProfiles, profileNames } from '../../../services/lib/profile/builtin.ts';
import { runScenario } from '../../src/api/run-scenario.ts';
import type { Recording } from '../../src/model/recording.ts';
import { amplificationLines } from '../../src/report/html/series.ts';
import { analyse } from '../../src/slo/analyse.ts';
import type { Scenario } from '../../src/scenario/model.ts';
import { slo } from '../fixtures/builders.ts';

/**
 * A client that never retries makes exactly one network attempt per call that reached the
 * network, so retry amplification must read exactly 1 — in every window, for every dependency,
 * in the SLO and in the report's chart — however the run goes: hung calls across scrapes, a
 * dependency down, attempts that time out. Real runs of the sample app, time-scaled.
 */
const profilesWithoutRetries = profileNames.filter((name) => Object.values(builtinProfiles[name].dependencies).every((policy) => !policy.retry));
/** A dependency down (fast failures, then hung callers upstream) and one that hangs (timeouts). */
const scenarios = ['dispatch-outage', 'noisy-neighbour'];
/** The sample app's links: each must have carried calls, so "exactly 1" is not vacuous. */
const links = [
  ['gateway', 'trip'],
  ['trip', 'passenger'],
  ['trip', 'dispatch'],
  ['trip', 'notification'],
] as const;

/** The run's own scenario with one retry-amplification SLO per link and window. */
function amplificationSlos(scenario: Scenario, recording: Recording): Scenario {
  const slos = recording.windows.flatMap((window) =>
    links.map(([service, dependency]) =>
      slo({ kind: 'retry_amplification', service, dependency }, '==', 1, window.name, `${service}->${dependency} ${window.name}`),
    ),
  );
  return { ...scenario, slos };
}

describe('retry amplification without retries', () => {
  it('knows which built-in profiles never retry', () => {
    expect(profilesWithoutRetries).toEqual(['naive', 'timeouts']);
  });

  for (const profile of profilesWithoutRetries) {
    for (const name of scenarios) {
      it(`reads exactly 1.00× on every link and in every window: ${name} on ${profile}`, { timeout: 120_000 }, async () => {
        const { result, recording, plan } = await runScenario({ scenario: name, profile, timeScale: 0.25, outDir: false });
        expect(result.status).toBe('completed');

        const judged = analyse(recording, amplificationSlos(plan.scenario, recording));
        for (const verdict of judged.slos) {
          if (verdict.window === 'whole') expect(verdict.measured, verdict.name).not.toBeNull();
          // null only when no call ended in that window; never anything but 1 otherwise.
          if (verdict.measured !== null) expect(verdict.measured, verdict.name).toBe(1);
        }

        const lines = amplificationLines(result);
        for (const [service, dependency] of links) {
          const line = lines.find((l) => l.name === `${service} → ${dependency}`);
          const values = line?.points.map((p) => p[1]).filter((v) => v !== null) ?? [];
          expect(values.length, `${service} → ${dependency}`).toBeGreaterThan(0);
          expect(new Set(values), `${service} → ${dependency}`).toEqual(new Set([1]));
        }
      });
    }
  }
});
