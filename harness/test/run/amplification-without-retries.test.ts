import { describe, expect, it } from 'vitest';
import { builtinProfiles, profileNames } from '../../../services/lib/profile/builtin.ts';
import { runScenario } from '../../src/api/run-scenario.ts';
import { expectExactlyOneAmplification } from '../support/amplification.ts';

/**
 * Retry amplification of profiles that never retry reads exactly 1.00×. The scenario catalog
 * checks it for `naive` on every catalog scenario (scenarios/catalog.test.ts); here the other
 * profile without retries, `timeouts`, on a dependency down (fast failures, then hung callers
 * upstream) and one that hangs (attempts that time out). Real runs of the sample app, time-scaled.
 */
const profilesWithoutRetries = profileNames.filter((name) => Object.values(builtinProfiles[name].dependencies).every((policy) => !policy.retry));

describe('retry amplification without retries', () => {
  it('knows which built-in profiles never retry', () => {
    expect(profilesWithoutRetries).toEqual(['naive', 'timeouts']);
  });

  for (const name of ['dispatch-outage', 'noisy-neighbour']) {
    it(`reads exactly 1.00× on every link and in every window: ${name} on timeouts`, { timeout: 120_000 }, async () => {
      const { result, recording, plan } = await runScenario({ scenario: name, profile: 'timeouts', timeScale: 0.25, outDir: false });
      expect(result.status).toBe('completed');
      expectExactlyOneAmplification(result, recording, plan.scenario);
    });
  }
});
