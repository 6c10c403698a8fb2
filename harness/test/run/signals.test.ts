import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startToxiproxy, type EmbeddedToxiproxy } from '../../src/toxiproxy/index.ts';
import { fixture, processesTagged, startCli, waitFor, type CliRun } from './helpers.ts';

// The runner drives an "external" Toxiproxy here (our server, started by the test) so that the
// test can look inside it after the runner is gone.
let toxiproxy: EmbeddedToxiproxy;
let stateDir: string;
let outDir: string;
let tag: string;
let cli: CliRun | undefined;

beforeEach(async () => {
  toxiproxy = await startToxiproxy({ host: '127.0.0.1', port: 0 });
  stateDir = await mkdtemp(join(tmpdir(), 'faultline-state-'));
  outDir = await mkdtemp(join(tmpdir(), 'faultline-out-'));
  tag = `signals-${process.pid}-${Math.random().toString(36).slice(2)}`;
});

afterEach(async () => {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  for (const pid of processesTagged('FAULTLINE_TEST_TAG', tag)) process.kill(-pid, 'SIGKILL');
  cli = undefined;
  await toxiproxy.close();
  await rm(stateDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

async function proxies(): Promise<Record<string, { toxics: unknown[] }>> {
  return (await (await fetch(`${toxiproxy.url}/proxies`)).json()) as Record<string, { toxics: unknown[] }>;
}

/** Starts a long run against the test's Toxiproxy and waits until its toxic is in place. */
async function startRunMidFault(): Promise<CliRun> {
  const run = startCli(['run', fixture('long-latency.yaml'), '--toxiproxy', toxiproxy.url, '--out', outDir], {
    FAULTLINE_STATE_DIR: stateDir,
    FAULTLINE_TEST_TAG: tag,
  });
  cli = run;
  const faultOn = await waitFor(() => /fault on/.test(run.output()), 40_000);
  expect(faultOn, run.output()).toBe(true);
  const toxics = (await proxies()).trip_to_passenger?.toxics ?? [];
  expect(toxics).toHaveLength(1);
  expect(processesTagged('FAULTLINE_TEST_TAG', tag).length).toBeGreaterThanOrEqual(6); // runner + 5 services
  return run;
}

describe('a run interrupted mid-fault', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`removes every toxic and proxy, stops every service and exits ${code} on ${signal}, well inside 7.5 s`, { timeout: 90_000 }, async () => {
      const run = await startRunMidFault();
      const sentAt = performance.now();
      run.child.kill(signal);
      const { code: exitCode } = await run.exited;
      const cleanupMs = performance.now() - sentAt;

      expect(exitCode, run.output()).toBe(code);
      expect(cleanupMs).toBeLessThan(7500);
      expect(await proxies()).toEqual({});
      expect(await waitFor(() => processesTagged('FAULTLINE_TEST_TAG', tag).length === 0, 3000)).toBe(true);
      // Everything was undone, so the journal holds nothing for a later cleanup.
      expect(readdirSync(stateDir)).toEqual([]);
    });
  }

  it('takes its services down with it when SIGKILLed, and `faultline cleanup` undoes what it left in Toxiproxy', { timeout: 90_000 }, async () => {
    const run = await startRunMidFault();
    run.child.kill('SIGKILL');
    await run.exited;

    // The services watch a pipe from the runner and exit when it closes.
    expect(await waitFor(() => processesTagged('FAULTLINE_TEST_TAG', tag).length === 0, 10_000)).toBe(true);
    // A SIGKILLed process cannot clean up: its proxies and toxic are still there, and journaled.
    expect(Object.keys(await proxies()).sort()).toEqual(['gateway_to_trip', 'trip_to_dispatch', 'trip_to_notification', 'trip_to_passenger']);
    expect(readdirSync(stateDir)).toHaveLength(1);

    const cleanup = startCli(['cleanup', '--toxiproxy', toxiproxy.url], { FAULTLINE_STATE_DIR: stateDir });
    expect((await cleanup.exited).code, cleanup.output()).toBe(0);
    expect(cleanup.output()).toMatch(/undone: run /);
    expect(await proxies()).toEqual({});
    expect(readdirSync(stateDir)).toEqual([]);
  });
});

describe('what an interrupted run reports', () => {
  it('judges only the windows it completed: no ✓ for the fault or recovery window, INTERRUPTED and where, exit 130', { timeout: 90_000 }, async () => {
    const run = startCli(['run', fixture('interrupted-windows.yaml'), '--out', outDir], { FAULTLINE_TEST_TAG: tag });
    cli = run;
    // The fault starts at 2 s: after its line the baseline window is over and the fault window runs.
    expect(await waitFor(() => /fault on/.test(run.output()), 60_000), run.output()).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    const out = run.output();
    expect(code, out).toBe(130);
    expect(out).toMatch(/^INTERRUPTED {2}.*interrupted during load at \d+\.\d s of 60\.0 s$/m);
    const row = (name: string) => out.split('\n').find((l) => l.includes(`  ${name}  `)) ?? '';
    expect(row('baseline holds')).toMatch(/^[✓✗] /);
    expect(row('fault holds')).toMatch(/^~ .*\(partial\)/);
    expect(row('recovery holds')).toMatch(/^- .*not reached/);

    const result = JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8'));
    expect(result.verdict).toBe('interrupted');
    expect(result.interruption.phase).toBe('load');
    expect(result.interruption.atMs).toBeGreaterThan(2000);
    expect(result.interruption.atMs).toBeLessThan(60_000);
    expect(result.slos.map((s: { coverage?: string }) => s.coverage)).toEqual([undefined, 'partial', 'not-reached']);
  });

  it('says it was interrupted during start-up when the signal arrives before the load', { timeout: 60_000 }, async () => {
    const run = startCli(['run', fixture('interrupted-windows.yaml'), '--out', outDir], { FAULTLINE_TEST_TAG: tag });
    cli = run;
    expect(await waitFor(() => /phase starting/.test(run.output()), 30_000), run.output()).toBe(true);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    const out = run.output();
    expect(code, out).toBe(130);
    expect(out).toMatch(/^INTERRUPTED {2}3 not reached \(of 3 SLOs\); interrupted during start-up$/m);
    expect(out).not.toMatch(/^[✓✗] /m);
    expect(await waitFor(() => processesTagged('FAULTLINE_TEST_TAG', tag).length === 0, 5000)).toBe(true);
  });
});

describe('environment errors', () => {
  it('exits 3 naming the URL when the Toxiproxy is unreachable, and starts nothing', { timeout: 60_000 }, async () => {
    const url = toxiproxy.url;
    await toxiproxy.close();
    const run = startCli(['run', fixture('short-outage.yaml'), '--toxiproxy', url, '--out', outDir], {
      FAULTLINE_STATE_DIR: stateDir,
      FAULTLINE_TEST_TAG: tag,
    });
    cli = run;
    expect((await run.exited).code, run.output()).toBe(3);
    expect(run.output()).toContain(url);
    expect(run.output()).toMatch(/unreachable/);
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });

  it('exits 3 naming the service and its last words when a service dies at start, and leaves nothing running', { timeout: 60_000 }, async () => {
    const run = startCli(['run', fixture('broken-service.yaml'), '--out', outDir], { FAULTLINE_TEST_TAG: tag });
    cli = run;
    expect((await run.exited).code, run.output()).toBe(3);
    expect(run.output()).toMatch(/\bapi\b/);
    expect(run.output()).toContain('cannot open config');
    expect(await waitFor(() => processesTagged('FAULTLINE_TEST_TAG', tag).length === 0, 3000)).toBe(true);
  });
});
