import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseSaved } from '../../src/api/analyse-saved.ts';
import { runScenario } from '../../src/api/run-scenario.ts';
import { main } from '../../src/cli/main.ts';
import { exitCodeFor } from '../../src/cli/exit-code.ts';
import type { RunResult } from '../../src/model/result.ts';
import { captureIo } from '../scenario/capture.ts';
import { fixture, processesTagged } from './helpers.ts';

// Services inherit the runner's environment: a tag in it finds every process this file started.
const tag = `run-scenario-${process.pid}`;
let outDir: string;
/** The result of the first run, whose folder the analyse tests judge again. */
let saved: RunResult | undefined;

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
    const written = JSON.parse(readFileSync(files!.json!, 'utf8')) as typeof result;
    expect(written.runId).toBe(result.runId);
    expect(readFileSync(files!.junit!, 'utf8')).toContain('<testsuites');
    expect(existsSync(files!.html!)).toBe(true);
    expect(existsSync(files!.recording!)).toBe(true);
    saved = result;

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

describe('judging a saved run again (faultline analyse)', () => {
  /** A copy of the fixture scenario whose SLOs are replaced, in a folder of its own. */
  async function withSlos(slos: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-analyse-'));
    const text = (await readFile(fixture('short-outage.yaml'), 'utf8')).replace(/slos:[\s\S]*$/, `slos:\n${slos}`);
    const file = join(dir, 'short-outage.yaml');
    await writeFile(file, text);
    return file;
  }

  it('reproduces the verdict of a saved run exactly, SLO by SLO', async () => {
    expect(saved, 'the end-to-end run above saved a result folder').toBeDefined();
    const { result } = await analyseSaved({ dir: outDir, outDir: false });
    expect(result).toEqual(saved);
  });

  it('changes the verdict as an edited SLO threshold says, without running anything', async () => {
    expect(saved).toBeDefined();
    const impossible = await withSlos('  - expect: error_rate < 0%\n');
    const generous = await withSlos(
      '  - expect: error_rate <= 100%\n  - expect: breaker_time_to_open{service=trip,dependency=dispatch} < 3600s\n    window: fault\n',
    );
    const strict = await analyseSaved({ dir: outDir, scenario: impossible, outDir: false });
    const lenient = await analyseSaved({ dir: outDir, scenario: generous, outDir: false });
    expect(strict.result.verdict).toBe('fail');
    expect(strict.result.slos.map((s) => s.passed)).toEqual([false]);
    expect(lenient.result.verdict).toBe('pass');
    // The same measurements, judged against other thresholds.
    expect(strict.result.slos[0]!.measured).toBe(saved!.slos[0]!.measured);
    expect(strict.result.runId).toBe(saved!.runId);
  });

  it("writes the same outputs from the command line and exits with the verdict's code", async () => {
    expect(saved).toBeDefined();
    const out = await mkdtemp(join(tmpdir(), 'faultline-analyse-out-'));
    const { io } = captureIo();
    const code = await main(['analyse', outDir, '--out', out], io);
    expect(code).toBe(exitCodeFor(saved!));
    const written = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(written).toEqual(JSON.parse(JSON.stringify(saved)));
    expect(existsSync(join(out, 'junit.xml'))).toBe(true);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(existsSync(join(out, 'recording.json'))).toBe(true);
    await rm(out, { recursive: true, force: true });
  });

  it('says where it looked when a folder has no recording', async () => {
    const capture = captureIo();
    expect(await main(['analyse', join(tmpdir(), 'faultline-no-such-run')], capture.io)).toBe(2);
    expect(capture.text().stderr).toMatch(/no recording\.json in .*faultline-no-such-run/);
  });
});
