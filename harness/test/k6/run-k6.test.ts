import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planScenario } from '../../src/api/run-scenario.ts';
import { exportK6Script } from '../../src/k6/script.ts';
import type { Recording } from '../../src/model/recording.ts';
import type { RunResult } from '../../src/model/result.ts';
import { processesTagged, startCli, waitFor, type CliRun } from '../run/helpers.ts';

// `faultline run --load k6` end to end on the embedded stack, with the stand-in k6 (k6 is not in
// our package registries): the stand-in sends real requests to the real gateway.
const standIn = join(import.meta.dirname, 'stand-in', 'k6');
// The time k6 gets to start before t = 0: generous, as the whole suite may share 2 cores (a start
// later than t = 0 makes the run inconclusive, which the first test would report).
const env = (tag: string) => ({ K6_BIN: standIn, FAULTLINE_TEST_TAG: tag, FAULTLINE_K6_LEAD_MS: '8000' });
const outage = join(import.meta.dirname, 'fixtures', 'k6-outage.yaml');
const longRun = join(import.meta.dirname, '..', 'run', 'fixtures', 'long-latency.yaml');
let outDir: string;
let tag: string;
let cli: CliRun | undefined;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'faultline-k6-run-'));
});
afterEach(() => {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  for (const pid of processesTagged('FAULTLINE_TEST_TAG', tag)) process.kill(pid, 'SIGKILL');
  cli = undefined;
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The k6 engine's working folders (mkdtemp `faultline-k6-engine-XXXXXX`) in the temporary directory. */
const engineFolders = () => readdirSync(tmpdir()).filter((name) => /^faultline-k6-engine-[A-Za-z0-9]{6}$/.test(name));

/** Pids of the stand-in k6 processes carrying this test's tag. */
function standInPids(): number[] {
  return processesTagged('FAULTLINE_TEST_TAG', tag).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('k6.mjs');
    } catch {
      return false;
    }
  });
}

describe('faultline run --load k6', () => {
  it("judges k6's requests with the scenario's SLOs, on the fault timeline, and reports k6's exit 99 beside the verdict", { timeout: 120_000 }, async () => {
    tag = `k6-run-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const dir = join(outDir, 'outage');
    cli = startCli(['run', outage, '--load', 'k6', '--out', dir], env(tag));
    const { code } = await cli.exited;
    const output = cli.output();
    expect(code, output).toBe(1); // faultline's verdict: the whole-run error rate SLO is missed

    const result = readJson<RunResult>(join(dir, 'result.json'));
    const { recording } = readJson<{ recording: Recording }>(join(dir, 'recording.json'));
    // The same SLO set the built-in generator's run is judged on: the scenario's.
    const plan = await planScenario({ scenario: outage });
    expect(result.slos.map((s) => s.name)).toEqual(plan.scenario.slos.map((s) => s.name));
    expect(result.verdict).toBe('fail');
    // Said on failure: which baseline requests failed and how (a busy machine shows up here).
    const baselineFailures = recording.samples.filter((s) => !s.ok && s.scheduledMs < 1500).map((s) => `${s.sentMs}→${s.endMs} ${s.error ?? s.status}`);
    expect(result.slos.find((s) => s.name === 'baseline holds')!.passed, baselineFailures.join('\n')).toBe(true);

    // 20/s for 5 s, each request sent by k6 and read back from its JSON output.
    expect(recording.samples.length + recording.dropped.length).toBeGreaterThanOrEqual(90);
    expect(recording.samples.length + recording.dropped.length).toBeLessThanOrEqual(101);
    expect(recording.problems).toEqual([]);
    // t = 0 of the load is t = 0 of the faults: errors only while trip was down. The margins
    // cover a request in flight when the link went down or came back, and a fault's recorded
    // time, taken once Toxiproxy's answer is back, on a busy machine.
    const fault = recording.faults.find((f) => f.id === 'trip-down')!;
    const failed = recording.samples.filter((s) => !s.ok);
    expect(failed.length).toBeGreaterThan(10);
    for (const sample of failed) {
      expect(sample.endMs).toBeGreaterThanOrEqual(fault.appliedAtMs! - 500);
      expect(sample.sentMs).toBeLessThanOrEqual(fault.removedAtMs! + 500);
    }
    expect(recording.samples.filter((s) => s.ok && s.endMs < fault.appliedAtMs!).length).toBeGreaterThan(10);
    expect(Math.min(...recording.samples.map((s) => s.sentMs))).toBeLessThan(500);

    // k6's own verdict on its thresholds, beside faultline's.
    expect(recording.k6).toMatchObject({ exitCode: 99, script: 'exported', thresholds: [{ threshold: 'http_req_failed: rate<0.01', ok: false }] });
    expect(result.k6?.exitCode).toBe(99);
    expect(output).toContain(
      "exit 99 (thresholds failed)): threshold(s) failed: http_req_failed: rate<0.01 — k6's own result; the verdict above is faultline's",
    );
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });

  it('runs a script of your own, passes SIGINT on to k6 and leaves nothing running', { timeout: 120_000 }, async () => {
    tag = `k6-sigint-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const dir = join(outDir, 'sigint');
    // "Your own" script: the export, saved to a file (the stand-in runs no other).
    const script = join(outDir, 'own.k6.js');
    await writeFile(script, exportK6Script(await planScenario({ scenario: longRun }), { baseUrl: 'http://127.0.0.1:9' }));
    const foldersBefore = engineFolders();
    cli = startCli(['run', longRun, '--load', 'k6', '--k6-script', script, '--out', dir], env(tag));
    const run = cli;
    // Wait until k6 is sending the load, then interrupt faultline alone (not its process group).
    expect(await waitFor(() => /\[\d+\.\d s\/60\.0 s\]/.test(run.output()), 90_000, 100), run.output()).toBe(true);
    const [k6Pid] = standInPids();
    expect(k6Pid).toBeDefined();
    expect(engineFolders()).toHaveLength(foldersBefore.length + 1);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.output()).toBe(130);

    expect(() => process.kill(k6Pid!, 0)).toThrow(); // the stand-in is gone
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
    const { recording } = readJson<{ recording: Recording }>(join(dir, 'recording.json'));
    expect(recording.status).toBe('interrupted');
    // k6's answer to SIGINT: it stops, writes its summary and exits 105 (ExternalAbort).
    expect(recording.k6).toMatchObject({ exitCode: 105, script });
    expect(recording.samples.length).toBeGreaterThan(0);
    // The engine's working folder (script, JSON output, summary) went with it.
    expect(engineFolders()).toEqual(foldersBefore);
  });
});
