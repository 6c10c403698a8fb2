import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/index.ts';
import { savedResult, savedRunNames } from '../fixtures/recordings.ts';
import { buildRunResult, inconclusiveResult, passingResult } from './fixtures.ts';

describe('renderSummary', () => {
  it('names the scenario, profile and seed and gives the verdict in capitals', () => {
    const text = renderSummary(buildRunResult());
    expect(text).toContain('dispatch-outage');
    expect(text).toContain('profile resilient');
    expect(text).toContain('seed 42');
    expect(text).toMatch(/^FAIL {2}1 of 4 SLOs missed$/m);
  });

  it('lists every SLO with its mark, window, measured value, threshold and margin', () => {
    const lines = renderSummary(buildRunResult()).split('\n');
    const row = (name: string) => lines.find((l) => l.includes(name))!.split(/\s{2,}/);
    expect(row('p99 under fault')).toEqual(['✓', 'p99 under fault', 'fault', '640 ms', '< 800 ms', '+160 ms']);
    expect(row('error rate')).toEqual(['✗', 'error rate', 'whole', '5.32 %', '< 1.00 %', '-4.32 %']);
    expect(row('throughput holds')).toEqual(['✓', 'throughput holds', 'fault', '17 req/s', '>= 15 req/s', '+2 req/s']);
  });

  it('shows when each fault was applied and removed and what it touched', () => {
    expect(renderSummary(buildRunResult())).toContain(
      'f1 toxic rides -> dispatch: applied at 10.0 s, removed at 20.0 s, 4 connections affected, 212 requests affected',
    );
  });

  it('gives the reasons of an inconclusive verdict', () => {
    const text = renderSummary(inconclusiveResult());
    expect(text).toMatch(/^INCONCLUSIVE {2}all 4 SLOs met$/m);
    expect(text).toContain('! fault f1 (toxic rides -> dispatch) touched no traffic');
  });

  it('says PASS when every SLO was met, and names a run that did not complete', () => {
    expect(renderSummary(passingResult())).toMatch(/^PASS {2}all 4 SLOs met$/m);
    expect(renderSummary(passingResult({ status: 'interrupted', verdict: 'inconclusive' }))).toContain('(run interrupted)');
  });

  it('shows n/a for a value that could not be measured, with the reason on the same row', () => {
    const base = buildRunResult();
    const slos = [{ ...base.slos[2]!, measured: null, margin: null, passed: false, reason: 'the breaker never opened in window fault' }];
    expect(renderSummary(buildRunResult({ slos }))).toMatch(/✗ +breaker opens fast +fault +n\/a +< 2000 ms +n\/a +the breaker never opened in window fault$/m);
  });

  it("takes an n/a's reason from its sentence when the result predates the reason field", () => {
    const base = buildRunResult();
    const detail = 'breaker time to open could not be measured (no circuit_breaker_state series was scraped), threshold < 2000 ms';
    const slos = [{ ...base.slos[2]!, measured: null, margin: null, passed: false, detail }];
    expect(renderSummary(buildRunResult({ slos }))).toMatch(/n\/a +no circuit_breaker_state series was scraped$/m);
  });

  describe('an interrupted run', () => {
    const base = buildRunResult();
    const [met, , third, fourth] = base.slos;
    const result = buildRunResult({
      status: 'interrupted',
      verdict: 'interrupted',
      durationMs: 52_000,
      interruption: { phase: 'load', atMs: 33_000 },
      reasons: ['The run was interrupted during load at 33.0 s of 52.0 s; 2 of 3 SLOs were not judged (window not complete).'],
      slos: [
        met!,
        { ...third!, passed: false, coverage: 'partial', reason: 'partial window: only 12.0–33.0 s of 12.0–40.0 s ran' },
        {
          ...fourth!,
          measured: null,
          margin: null,
          passed: false,
          coverage: 'not-reached',
          reason: 'window not reached: the run was interrupted during load at 33.0 s of 52.0 s',
        },
      ],
    });
    const lines = renderSummary(result).split('\n');

    it('says INTERRUPTED and where, and counts only complete windows as met or missed', () => {
      expect(lines).toContain('INTERRUPTED  1 met, 1 partial, 1 not reached (of 3 SLOs); interrupted during load at 33.0 s of 52.0 s');
    });

    it('gives no ✓ or ✗ to an SLO whose window did not complete, and shows its measure as partial', () => {
      const row = (name: string) => lines.find((l) => l.includes(name))!.split(/\s{2,}/);
      expect(row(third!.name)[0]).toBe('~');
      expect(row(third!.name)[3]).toMatch(/\(partial\)$/);
      expect(row(third!.name).at(-1)).toBe('partial window: only 12.0–33.0 s of 12.0–40.0 s ran');
      expect(row(fourth!.name)[0]).toBe('-');
      expect(row(fourth!.name)[3]).toBe('not reached');
      expect(lines.filter((l) => /^[✓✗] /.test(l))).toHaveLength(1);
    });

    it('says when it was interrupted during start-up, with nothing measured', () => {
      const early = buildRunResult({ status: 'interrupted', verdict: 'interrupted', interruption: { phase: 'start-up' }, slos: [] });
      expect(renderSummary(early)).toMatch(/^INTERRUPTED {2}all 0 SLOs met; interrupted during start-up$/m);
    });
  });

  it('ends with the result folder and files when given', () => {
    const text = renderSummary(buildRunResult(), { files: { dir: 'results/dispatch-outage/x', html: 'results/dispatch-outage/x/report.html' } });
    expect(text).toContain('Results results/dispatch-outage/x');
    expect(text).toContain('report       results/dispatch-outage/x/report.html');
  });

  it.each(savedRunNames)('summarises the saved real run %s: verdict line, every SLO with its mark, every fault', (name) => {
    const result = savedResult(name);
    const text = renderSummary(result);
    const lines = text.split('\n');
    const missed = result.slos.filter((s) => !s.passed).length;
    const verdictLine = missed === 0 ? `all ${result.slos.length} SLOs met` : `${missed} of ${result.slos.length} SLOs missed`;
    expect(lines).toContain(`${result.verdict.toUpperCase()}  ${verdictLine}`);
    for (const slo of result.slos) {
      const cells = lines.find((l) => l.split(/\s{2,}/)[1] === slo.name)?.split(/\s{2,}/);
      expect(cells?.slice(0, 3)).toEqual([slo.passed ? '✓' : '✗', slo.name, slo.window]);
      expect(cells?.[3] === 'n/a').toBe(slo.measured === null);
    }
    for (const fault of result.faults) {
      expect(lines.some((l) => l.includes(`${fault.id} ${fault.kind} ${fault.target}: applied at ${(fault.appliedAtMs! / 1000).toFixed(1)} s`))).toBe(true);
    }
    expect(text).not.toMatch(/NaN|undefined/);
  });

  it('uses ANSI colour only when asked', () => {
    expect(renderSummary(buildRunResult())).not.toContain('\x1b[');
    expect(renderSummary(buildRunResult(), { color: true })).toContain('\x1b[31m');
  });
});
