import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/api/run-scenario.ts';
import { FaultlineError } from '../../src/errors.ts';
import { NO_BROKER } from '../../src/run/async-observation.ts';
import { fixture } from './helpers.ts';

/**
 * The runner's side of `async:`: the load keeps the accepted ids whatever happens; without a
 * broker in the run there is nothing to observe and the async SLOs say so; k6 is refused.
 * (With a broker: harness/test/messaging/async-e2e.test.ts drives the same parts by hand.)
 */
describe('a run that follows async outcomes', () => {
  it('without a broker: the accepted ids are recorded, every async SLO says "no broker in this run"', { timeout: 60_000 }, async () => {
    const { result, recording } = await runScenario({ scenario: fixture('async-no-broker.yaml'), outDir: false });
    expect(result.status).toBe('completed');
    expect(recording.async?.unavailable).toBe(NO_BROKER);
    expect(recording.async?.accepted.length).toBeGreaterThan(10);
    const lost = result.slos.find((s) => s.expression === 'messages_lost == 0')!;
    expect(lost).toMatchObject({ measured: null, passed: false, reason: NO_BROKER });
    const whole = result.async!.windows.find((w) => w.name === 'whole')!;
    expect(whole.pending).toBe(whole.accepted);
    expect(result.verdict).toBe('fail');
  });

  it('is refused with the k6 engine before anything starts (a usage error)', async () => {
    const error = await runScenario({ scenario: fixture('async-no-broker.yaml'), outDir: false, load: 'k6' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultlineError);
    expect((error as FaultlineError).code).toBe('FL_USAGE');
    expect((error as Error).message).toContain('needs the built-in load generator');
  });
});
