import { expect } from 'vitest';
import type { Recording } from '../../src/model/recording.ts';
import type { RunResult } from '../../src/model/result.ts';
import { amplificationLines } from '../../src/report/html/series.ts';
import type { Scenario } from '../../src/scenario/model.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { slo } from '../fixtures/builders.ts';

/** The sample app's links. */
export const taxiLinks = [
  ['gateway', 'trip'],
  ['trip', 'passenger'],
  ['trip', 'dispatch'],
  ['trip', 'notification'],
] as const;

/** The run's own scenario with one retry-amplification SLO per link and window. */
function amplificationSlos(scenario: Scenario, recording: Recording): Scenario {
  const slos = recording.windows.flatMap((window) =>
    taxiLinks.map(([service, dependency]) =>
      slo({ kind: 'retry_amplification', service, dependency }, '==', 1, window.name, `${service}->${dependency} ${window.name}`),
    ),
  );
  return { ...scenario, slos };
}

/**
 * A client that never retries makes exactly one network attempt per call that reached the
 * network: retry amplification must read exactly 1 — in every window, on every link that ended
 * a call, in the SLO and in the report's chart — however the run went. gateway → trip always
 * carries calls, so "exactly 1" is never vacuous.
 */
export function expectExactlyOneAmplification(result: RunResult, recording: Recording, scenario: Scenario): void {
  const judged = analyse(recording, amplificationSlos(scenario, recording));
  for (const verdict of judged.slos) {
    if (verdict.window === 'whole' && verdict.name.startsWith('gateway->trip')) expect(verdict.measured, verdict.name).not.toBeNull();
    // null only when no call ended on that link in that window; never anything but 1 otherwise.
    if (verdict.measured !== null) expect(verdict.measured, verdict.name).toBe(1);
  }
  const lines = amplificationLines(result);
  for (const [service, dependency] of taxiLinks) {
    const values =
      lines
        .find((l) => l.name === `${service} → ${dependency}`)
        ?.points.map((p) => p[1])
        .filter((v) => v !== null) ?? [];
    if (service === 'gateway') expect(values.length, `${service} → ${dependency}`).toBeGreaterThan(0);
    for (const value of values) expect(value, `${service} → ${dependency}`).toBe(1);
  }
}
