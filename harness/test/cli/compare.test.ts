import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, exitCodeForComparison } from '../../src/cli/exit-code.ts';
import { DISCRIMINATION, parseExpectations } from '../../src/cli/expectations.ts';
import { main } from '../../src/cli/main.ts';
import { processesTagged, startCli, waitFor, type CliRun } from '../run/helpers.ts';
import { captureIo } from '../scenario/capture.ts';

describe('compare --expect', () => {
  it('reads profile=verdict pairs; a profile not named must pass', () => {
    const expected = parseExpectations('naive=fail', ['naive', 'retries', 'resilient']);
    expect([...expected]).toEqual([
      ['naive', 'fail'],
      ['retries', 'pass'],
      ['resilient', 'pass'],
    ]);
    expect([...parseExpectations(undefined, ['naive', 'resilient']).values()]).toEqual(['pass', 'pass']);
    expect([...parseExpectations(DISCRIMINATION, ['naive', 'resilient'])]).toEqual([
      ['naive', 'fail'],
      ['resilient', 'pass'],
    ]);
  });

  it.each([
    ['naive', /profile=verdict pairs/],
    ['naive=broken', /'broken' for naive is not one of pass, fail, inconclusive/],
    ['naive=fail,naive=pass', /names profile naive twice/],
    ['timeouts=pass', /names profile timeouts, which is not compared/],
  ])("refuses '%s' with exit 2 before anything runs", async (text, message) => {
    const c = captureIo();
    expect(await main(['compare', 'dispatch-outage', '--profiles', 'naive,resilient', '--expect', text], c.io)).toBe(2);
    expect(c.text().stderr).toMatch(message);
  });

  it('refuses --expect together with the deprecated --expect-discrimination', async () => {
    const c = captureIo();
    expect(await main(['compare', 'dispatch-outage', '--expect', 'naive=fail', '--expect-discrimination'], c.io)).toBe(2);
    expect(c.text().stderr).toMatch(/not both/);
  });
});

describe('the exit code of compare', () => {
  const expected = new Map([
    ['naive', 'fail'],
    ['resilient', 'pass'],
  ] as const);
  const run = (profile: string, verdict: 'pass' | 'fail' | 'inconclusive' | 'interrupted') => ({
    profile,
    verdict,
    status: verdict === 'interrupted' ? ('interrupted' as const) : ('completed' as const),
  });

  it('is 0 only when every verdict is the expected one', () => {
    expect(exitCodeForComparison([run('naive', 'fail'), run('resilient', 'pass')], expected, 2)).toBe(ExitCode.Ok);
    expect(exitCodeForComparison([run('naive', 'pass'), run('resilient', 'pass')], expected, 2)).toBe(ExitCode.SloFailed);
  });

  it('is 3 for an inconclusive run that was not expected, and 0 for one that was', () => {
    expect(exitCodeForComparison([run('naive', 'fail'), run('resilient', 'inconclusive')], expected, 2)).toBe(ExitCode.Environment);
    expect(exitCodeForComparison([run('naive', 'inconclusive')], new Map([['naive', 'inconclusive']]), 1)).toBe(ExitCode.Ok);
  });

  it('is 130 when a run was interrupted or never ran', () => {
    expect(exitCodeForComparison([run('naive', 'fail'), run('resilient', 'interrupted')], expected, 2)).toBe(ExitCode.Interrupted);
    expect(exitCodeForComparison([run('naive', 'fail')], expected, 2)).toBe(ExitCode.Interrupted);
  });
});

// Real runs, time-scaled: dispatch-outage fails on naive (no fallback) and passes on resilient.
describe('faultline compare, for real', () => {
  let outDir: string;
  let tag: string;
  let cli: CliRun | undefined;
  beforeEach(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'faultline-compare-'));
    tag = `compare-${process.pid}-${Math.random().toString(36).slice(2)}`;
  });
  afterEach(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    for (const pid of processesTagged('FAULTLINE_TEST_TAG', tag)) process.kill(-pid, 'SIGKILL');
    cli = undefined;
    await rm(outDir, { recursive: true, force: true });
  });

  const compare = async (args: string[]) => {
    cli = startCli(['compare', 'dispatch-outage', '--time-scale', '0.25', '--out', outDir, ...args], { FAULTLINE_TEST_TAG: tag });
    const { code } = await cli.exited;
    expect(await waitFor(() => processesTagged('FAULTLINE_TEST_TAG', tag).length === 0, 5000)).toBe(true);
    return { code, output: cli.output() };
  };

  // One comparison of three runs covers both marks and the exit code of a wrong expectation
  // (exitCodeForComparison's every case is tested above): runs are what this file spends its time on.
  it(
    'marks each verdict expected or not, exits 1 for the one that is not, and three runs on one signal raise no process warning',
    { timeout: 360_000 },
    async () => {
      const { code, output } = await compare(['--profiles', 'naive,retries,resilient', '--expect', 'naive=pass,retries=fail,resilient=pass']);
      expect(code, output).toBe(1);
      expect(output).toMatch(/^verdict +FAIL ✗ expected pass +FAIL ✓ expected +PASS ✓ expected$/m);
      expect(output).toMatch(/^not as expected: naive fail \(expected pass\)$/m);
      // Node prints process warnings as `(node:<pid>) <Name>Warning: …` on stderr.
      expect(output).not.toMatch(/\(node:\d+\)|MaxListenersExceededWarning/);
    },
  );
});
