import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_EVIDENCE_CASE, renderJunit, writeJunit } from '../../src/report/index.ts';
import { savedResult, savedRunNames } from '../fixtures/recordings.ts';
import { buildRunResult, inconclusiveResult, passingResult } from './fixtures.ts';
import { findAll, parseXml } from './xml-checker.ts';

describe('the XML checker used by these tests', () => {
  it('rejects mis-nested tags, raw ampersands and unknown entities', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/does not close/);
    expect(() => parseXml('<a>fish & chips</a>')).toThrow(/entity/);
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow(/raw </);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/unknown entity/);
    expect(parseXml('<a x="&lt;&amp;&#10;">t&gt;</a>')).toMatchObject({ attrs: { x: '<&\n' }, text: 't>' });
  });
});

describe('renderJunit', () => {
  it('skips, neither passes nor fails, an SLO whose window an interrupted run did not complete', () => {
    const [met, missed, third, fourth] = buildRunResult().slos;
    const result = buildRunResult({
      status: 'interrupted',
      verdict: 'interrupted',
      interruption: { phase: 'load', atMs: 15_000 },
      slos: [
        met!,
        missed!,
        { ...third!, passed: false, coverage: 'partial', reason: 'partial window: only 10.0–15.0 s of 10.0–20.0 s ran' },
        {
          ...fourth!,
          measured: null,
          margin: null,
          passed: false,
          coverage: 'not-reached',
          reason: 'window not reached: the run was interrupted during load at 15.0 s of 30.0 s',
        },
      ],
    });
    const root = parseXml(renderJunit([result]));
    expect(root.attrs).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '2' });
    const cases = findAll(root, 'testcase');
    const skipped = cases.filter((c) => findAll(c, 'skipped').length > 0);
    expect(skipped.map((c) => c.attrs.name)).toEqual([third!.name, fourth!.name]);
    expect(findAll(skipped[0]!, 'skipped')[0]!.attrs.message).toBe('partial: partial window: only 10.0–15.0 s of 10.0–20.0 s ran');
    expect(findAll(skipped[1]!, 'skipped')[0]!.attrs.message).toMatch(/^not reached: window not reached/);
    expect(cases.filter((c) => findAll(c, 'failure').length > 0).map((c) => c.attrs.name)).toEqual([missed!.name]);
  });

  it('writes one testsuite per result and one testcase per SLO, with the totals on testsuites', () => {
    const root = parseXml(renderJunit([buildRunResult(), passingResult({ profile: 'naive' })]));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '8', failures: '1', errors: '0' });
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['dispatch-outage [resilient]', 'dispatch-outage [naive]']);
    expect(suites[0]!.attrs).toMatchObject({ tests: '4', failures: '1', errors: '0' });
    expect(findAll(suites[0]!, 'testcase').map((c) => [c.attrs.name, c.attrs.classname])).toEqual([
      ['p99 under fault', 'dispatch-outage'],
      ['error rate', 'dispatch-outage'],
      ['breaker opens fast', 'dispatch-outage'],
      ['throughput holds', 'dispatch-outage'],
    ]);
  });

  it('gives a missed SLO a failure stating measured, threshold and margin', () => {
    const root = parseXml(renderJunit([buildRunResult()]));
    const failures = findAll(root, 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.attrs.message).toBe('error rate (whole): measured 5.32 %, threshold < 1.00 %, margin -4.32 %');
    expect(failures[0]!.text).toContain('error_rate < 1%');
  });

  it('adds a "fault evidence" error case naming the reason when the run is inconclusive', () => {
    const root = parseXml(renderJunit([inconclusiveResult()]));
    const suite = findAll(root, 'testsuite')[0]!;
    expect(suite.attrs).toMatchObject({ tests: '5', failures: '0', errors: '1' });
    const evidence = findAll(suite, 'testcase').find((c) => c.attrs.name === FAULT_EVIDENCE_CASE)!;
    const error = findAll(evidence, 'error')[0]!;
    expect(error.attrs.message).toContain('touched no traffic');
    expect(error.text).toContain('0 connections affected');
  });

  it('records seed, profile, time scale and run id as properties, and times in seconds', () => {
    const suite = findAll(parseXml(renderJunit([buildRunResult({ seed: 7, timeScale: 0.25, durationMs: 7500 })])), 'testsuite')[0]!;
    const properties = Object.fromEntries(findAll(suite, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(properties).toMatchObject({ seed: '7', profile: 'resilient', timeScale: '0.25', runId: 'r-20261126-0510-ab12' });
    expect(suite.attrs.time).toBe('7.500');
  });

  it('escapes < & " \' and control characters in everything user-written', () => {
    const nasty = `a<b & "c" 'd' ]]> \u0001`;
    const base = buildRunResult();
    const result = buildRunResult({
      scenario: { ...base.scenario, name: nasty },
      profile: `p"<'&`,
      slos: base.slos.map((s) => ({ ...s, name: `${s.name} ${nasty}`, detail: `${s.detail} ${nasty}` })),
    });
    const xml = renderJunit([result]);
    const root = parseXml(xml);
    const suite = findAll(root, 'testsuite')[0]!;
    expect(suite.attrs.name).toBe(`a<b & "c" 'd' ]]> \uFFFD [p"<'&]`);
    expect(findAll(suite, 'testcase')[0]!.attrs.name).toBe(`p99 under fault a<b & "c" 'd' ]]> \uFFFD`);
    expect(findAll(suite, 'failure')[0]!.text).toContain(`a<b & "c" 'd' ]]>`);
    expect(xml).not.toContain('\u0001');
  });
});

// Saved real runs: a CI job reads these files. Expectations come from each result's own SLOs.
describe('renderJunit of saved real runs', () => {
  const results = savedRunNames.map(savedResult);
  const root = parseXml(renderJunit(results));
  const suites = findAll(root, 'testsuite');

  it('counts every SLO of every run, and every missed one as a failure', () => {
    const slos = results.flatMap((r) => r.slos);
    expect(root.attrs).toMatchObject({ tests: String(slos.length), failures: String(slos.filter((s) => !s.passed).length), errors: '0' });
    expect(suites.map((s) => s.attrs.name)).toEqual(results.map((r) => `${r.scenario.name} [${r.profile}]`));
  });

  it.each(savedRunNames.map((name, i) => [name, i] as const))('gives %s one test case per SLO, with a failure exactly where the SLO was missed', (_name, i) => {
    const result = results[i]!;
    const cases = findAll(suites[i]!, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(result.slos.map((s) => s.name));
    result.slos.forEach((slo, j) => {
      const failures = findAll(cases[j]!, 'failure');
      expect(failures).toHaveLength(slo.passed ? 0 : 1);
      if (!slo.passed) {
        expect(failures[0]!.attrs.message!.startsWith(`${slo.name} (${slo.window}): measured `)).toBe(true);
        // A value the run could not measure (no breaker under naive) is n/a, never NaN or null.
        if (slo.measured === null) expect(failures[0]!.attrs.message).toContain('measured n/a');
        expect(failures[0]!.attrs.message).not.toMatch(/NaN|null|undefined/);
        expect(failures[0]!.text).toContain(`expression: ${slo.expression}`);
      }
    });
    expect(suites[i]!.attrs.time).toBe((result.durationMs / 1000).toFixed(3));
  });

  it('includes a run whose breaker SLOs could not be measured, so the n/a case above is exercised', () => {
    expect(results.some((r) => r.slos.some((s) => s.measured === null && !s.passed))).toBe(true);
  });
});

describe('writeJunit', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('creates the folder and writes the same XML renderJunit returns', async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-junit-'));
    const file = join(dir, 'nested', 'junit.xml');
    await writeJunit([buildRunResult()], file);
    expect(await readFile(file, 'utf8')).toBe(renderJunit([buildRunResult()]));
  });
});
