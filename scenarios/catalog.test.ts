import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../harness/src/api/run-scenario.ts';
import { listScenarios } from '../harness/src/scenario/index.ts';
import { expectExactlyOneAmplification } from '../harness/test/support/amplification.ts';
import { startMosquitto, type MosquittoServer } from '../harness/src/broker/mosquitto.ts';

// The discrimination property of the catalog, in the fast mode CI uses: every scenario passes
// with the resilient profile and fails with the naive one (baseline, which has no fault to
// guard against, passes with both). Verdicts must hold at --time-scale 0.25 as at full length.
const timeScale = 0.25;
const scenarios = listScenarios();
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
/** The scenarios of the taxi app's asynchronous half (topology taxi-async, with a broker). */
const messagingScenarios = ['broker-outage', 'consumer-crash', 'broker-slow', 'flapping-connection'];

function describeMisses(result: Awaited<ReturnType<typeof runScenario>>['result']): string {
  return [...result.reasons, ...result.slos.filter((s) => !s.passed).map((s) => `${s.name}: ${s.detail}`)].join('; ') || 'all SLOs met';
}

describe('the scenario catalog', () => {
  it('has the scenarios users come for', () => {
    const names = scenarios.map((s) => s.name);
    for (const name of [
      'baseline',
      'slow-passenger',
      'dispatch-outage',
      'black-hole',
      'flaky-resets',
      'retry-storm',
      'noisy-neighbour',
      'crash-restart',
      'slow-network',
      'cascading-timeouts',
      'error-burst',
      'lost-response',
      ...messagingScenarios,
    ]) {
      expect(names).toContain(name);
    }
    for (const scenario of scenarios) expect(scenario.description.length).toBeGreaterThan(20);
  });

  for (const { name } of scenarios) {
    it(`${name} passes with the resilient profile`, async () => {
      const { result } = await runScenario({ scenario: name, profile: 'resilient', timeScale, outDir: false });
      expect(result.status).toBe('completed');
      expect(result.verdict, describeMisses(result)).toBe('pass');
    });

    const expected = name === 'baseline' ? 'pass' : 'fail';
    it(`${name} ${expected === 'fail' ? 'fails' : 'still passes'} with the naive profile, retry amplification exactly 1.00×`, async () => {
      const { result, recording, plan } = await runScenario({ scenario: name, profile: 'naive', timeScale, outDir: false });
      expect(result.status).toBe('completed');
      expect(result.verdict, describeMisses(result)).toBe(expected);
      // naive never retries: one attempt per call that reached the network, on every link.
      expectExactlyOneAmplification(result, recording, plan.scenario);
    });
  }
});

// The same verdicts with a real broker: Debian's Mosquitto, started fresh for each run (so no
// persistent session carries over from the run before) and handed to the runner as --broker does.
describe('the messaging scenarios with a real Mosquitto broker (--broker)', () => {
  let mosquitto: MosquittoServer | undefined;
  afterEach(async () => {
    await mosquitto?.stop();
    mosquitto = undefined;
  });

  it('are every scenario on the taxi-async topology', () => {
    const onBroker = scenarios.filter((s) => /^topology:\s*taxi-async\s*$/m.test(readFileSync(s.file, 'utf8'))).map((s) => s.name);
    expect(onBroker.sort()).toEqual([...messagingScenarios].sort());
  });

  for (const name of messagingScenarios) {
    for (const [profile, expected] of [
      ['resilient', 'pass'],
      ['naive', 'fail'],
    ] as const) {
      it(`${name} ${expected === 'pass' ? 'passes' : 'fails'} with the ${profile} profile`, async () => {
        mosquitto = await startMosquitto();
        let broker: string | undefined;
        const { result } = await runScenario({
          scenario: name,
          profile,
          timeScale,
          broker: mosquitto.url,
          outDir: false,
          events: { onStack: (stack) => (broker = stack.broker) },
        });
        // The run used the broker it was given, not an embedded one.
        expect(broker).toBe(mosquitto.url);
        expect(result.status).toBe('completed');
        expect(result.verdict, describeMisses(result)).toBe(expected);
      });
    }
  }
});

describe('the CLI verdict for the default scenario', () => {
  const run = (profile: string) =>
    spawnSync(
      process.execPath,
      ['bin/faultline.js', 'run', 'dispatch-outage', '--profile', profile, '--time-scale', String(timeScale), '--out', `results/catalog-test-${profile}`],
      {
        cwd: repoRoot,
        env: { ...process.env, CI: 'true' },
        encoding: 'utf8',
        timeout: 170_000,
      },
    );

  it('exits 0 with the resilient profile and 1 with the naive one', () => {
    const resilient = run('resilient');
    expect(resilient.status, resilient.stdout + resilient.stderr).toBe(0);
    expect(resilient.stdout).toMatch(/PASS/);
    const naive = run('naive');
    expect(naive.status, naive.stdout + naive.stderr).toBe(1);
    expect(naive.stdout).toMatch(/FAIL/);
  });
});
