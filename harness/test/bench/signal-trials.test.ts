// The fast slice of `npm run bench:signals`: four trials chosen to cover both signals, both
// kinds of Toxiproxy and the cheap phases, one of them a SIGKILL mid-fault followed by
// `faultline cleanup` on the shared Toxiproxy. (SIGINT/SIGTERM mid-fault on an external one is
// harness/test/run/signals.test.ts's; the full bench — 50 trials over every phase — is recorded
// in docs/benchmarks.md.) Measured: 101 s for the four with the 2-core machine's load average at 19.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExternalToxiproxy, type ExternalToxiproxy } from '../../bench/external-toxiproxy.ts';
import type { Trial } from '../../bench/signal-plan.ts';
import { exitBudgetMs, runTrial } from '../../bench/signal-trial.ts';

let external: ExternalToxiproxy;
beforeAll(async () => {
  external = await startExternalToxiproxy();
}, 60_000);
afterAll(async () => {
  await external?.stop();
});

const slice: Omit<Trial, 'index'>[] = [
  { scenario: 'dispatch-outage', profile: 'resilient', toxiproxy: 'embedded', signal: 'SIGINT', phase: 'start-up', delayMs: 300 },
  { scenario: 'slow-network', profile: 'naive', toxiproxy: 'external', signal: 'SIGTERM', phase: 'start-up', delayMs: 900 },
  { scenario: 'baseline', profile: 'resilient', toxiproxy: 'embedded', signal: 'SIGTERM', phase: 'warm-up', delayMs: 200 },
  { scenario: 'black-hole', profile: 'naive', toxiproxy: 'external', signal: 'SIGKILL', phase: 'mid-fault', delayMs: 100, killScope: 'group' },
];

describe('signal trials (fast slice)', () => {
  slice.forEach((planned, i) => {
    const trial: Trial = { index: i + 1, ...planned };
    const what = `${trial.signal} during ${trial.phase} of ${trial.scenario} with the ${trial.toxiproxy} Toxiproxy`;
    const promise =
      trial.signal === 'SIGKILL'
        ? 'leaves what `faultline cleanup` undoes entirely, touching nothing else'
        : 'exits with its code in time and leaves nothing behind';
    it(`${what}: ${promise}`, { timeout: 90_000 }, async () => {
      const outcome = await runTrial(trial, { timeScale: 0.1, external });
      expect(outcome.delivered, outcome.outputTail).toBe(true);
      expect(outcome.problems, outcome.outputTail).toEqual([]);
      if (trial.signal !== 'SIGKILL') expect(outcome.exitMs).toBeLessThan(exitBudgetMs);
      // The checks had something to check: the run was up when it was signalled.
      expect(outcome.checked.processes).toBeGreaterThanOrEqual(1);
      if (trial.phase !== 'start-up') expect(outcome.checked.processes).toBeGreaterThanOrEqual(6); // the CLI + 5 services
      if (trial.toxiproxy === 'external' && trial.phase !== 'start-up') expect(outcome.checked.proxiesAdded).toBe(4);
    });
  });

  it('leaves the external Toxiproxy exactly as the bench set it up', async () => {
    expect(await external.state()).toBe(external.baseline);
    expect(Object.keys(JSON.parse(external.baseline) as object).sort()).toEqual(['shared_cache', 'shared_db']);
  });
});
