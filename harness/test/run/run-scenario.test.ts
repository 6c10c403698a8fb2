import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/api/run-scenario.ts';
import { fixture, processesTagged } from './helpers.ts';

// Services inherit the runner's environment: a tag in it finds every process this file started.
const tag = `run-scenario-${process.pid}`;
let outDir: string;

beforeAll(async () => {
  process.env.FAULTLINE_TEST_TAG = tag;
  outDir = await mkdtemp(join(tmpdir(), 'faultline-run-'));
});
afterAll(async () => {
  delete process.env.FAULTLINE_TEST_TAG;
  await rm(outDir, { recursive: true, force: true });
});

describe('running a scenario end to end on the embedded stack', () => {
  it('applies and removes the fault on time, measures, writes the result folder and leaves nothing running', { timeout: 60_000 }, async () => {
    const { result, files } = await runScenario({ scenario: fixture('short-outage.yaml'), outDir });

    expect(result.status).toBe('completed');
    expect(['pass', 'fail']).toContain(result.verdict);
    const fault = result.faults.find((f) => f.id === 'dispatch-down')!;
    expect(fault.error).toBeUndefined();
    // Planned at 1.5 s for 2 s; a busy 2-core machine may be late, never early.
    expect(fault.appliedAtMs).toBeGreaterThanOrEqual(1500);
    expect(fault.appliedAtMs).toBeLessThan(3000);
    expect(fault.removedAtMs).toBeGreaterThanOrEqual(3500);
    expect(fault.removedAtMs! - fault.appliedAtMs!).toBeGreaterThan(1500);
    expect(fault.requestsAffected).toBeGreaterThan(0);

    const whole = result.windows.find((w) => w.name === 'whole')!;
    // 20/s for 5 s: about 100 requests, however the machine is doing.
    expect(whole.requests + whole.dropped).toBeGreaterThanOrEqual(95);
    expect(whole.requests + whole.dropped).toBeLessThanOrEqual(101);
    expect(result.slos).toHaveLength(2);
    expect(result.dependencySeries.some((p) => p.service === 'trip' && p.dependency === 'dispatch' && p.breakerState === 1)).toBe(true);

    expect(files).toBeDefined();
    const written = JSON.parse(readFileSync(files!.json, 'utf8')) as typeof result;
    expect(written.runId).toBe(result.runId);
    expect(readFileSync(files!.junit, 'utf8')).toContain('<testsuites');
    expect(existsSync(files!.html)).toBe(true);

    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });

  it('makes the same fault decisions for the same seed, and others for another seed', { timeout: 120_000 }, async () => {
    const statuses = async (seed: number) => {
      const { result } = await runScenario({ scenario: fixture('coin-flip.yaml'), seed, outDir: false });
      expect(result.status).toBe('completed');
      return result;
    };
    const [first, second, other] = [await statuses(7), await statuses(7), await statuses(8)];
    const errorsPerSecond = (r: typeof first) => r.series.map((s) => s.errors);
    // About half the requests fail in each run…
    const errors = first.windows.find((w) => w.name === 'whole')!.errors;
    expect(errors).toBeGreaterThan(3);
    expect(errors).toBeLessThan(15);
    // …and exactly the same ones with the same seed.
    expect(errorsPerSecond(second)).toEqual(errorsPerSecond(first));
    expect(first.seed).toBe(7);
    expect(other.seed).toBe(8);
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });
});
