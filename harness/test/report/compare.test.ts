import { describe, expect, it } from 'vitest';
import { renderComparison } from '../../src/report/index.ts';
import { savedResult } from '../fixtures/recordings.ts';
import { buildRunResult, passingResult } from './fixtures.ts';

describe('renderComparison', () => {
  const text = renderComparison([buildRunResult({ profile: 'naive' }), passingResult()]);
  const row = (label: string) =>
    text
      .split('\n')
      .map((l) => l.trim().split(/\s{2,}/))
      .find((cells) => cells[0] === label)!;

  it('has a column per profile and the verdict of each', () => {
    expect(text).toContain('dispatch-outage compared across 2 profile(s)');
    expect(row('verdict')).toEqual(['verdict', 'FAIL', 'PASS']);
  });

  it('shows each SLO as met or missed with its measured value per profile', () => {
    expect(row('error rate')).toEqual(['error rate', '✗ 5.32 %', '✓ 0.40 %']);
    expect(row('p99 under fault')).toEqual(['p99 under fault', '✓ 640 ms', '✓ 640 ms']);
  });

  it('adds the key client numbers of the whole run', () => {
    expect(row('requests')).toEqual(['requests', '600', '600']);
    expect(row('p99')).toEqual(['p99', '612 ms', '612 ms']);
    expect(row('throughput')).toEqual(['throughput', '19 req/s', '19 req/s']);
  });

  it('marks an SLO one profile does not have', () => {
    const base = buildRunResult();
    const other = renderComparison([base, buildRunResult({ profile: 'naive', slos: base.slos.slice(0, 1) })]);
    expect(other.split('\n').find((l) => l.startsWith('error rate'))).toMatch(/✗ 5.32 %\s+—$/);
  });

  it('lists the reasons of inconclusive profiles under the table', () => {
    const out = renderComparison([passingResult({ profile: 'naive', verdict: 'inconclusive', reasons: ['fault f1 touched no traffic'] })]);
    expect(out).toContain('! naive: fault f1 touched no traffic');
  });
});

// The product's demo, from real runs: dispatch-outage saved under naive (fail) and resilient
// (pass). Expected cells come from each result's own data.
describe('renderComparison of the saved naive and resilient runs of dispatch-outage', () => {
  const naive = savedResult('dispatch-outage-naive');
  const resilient = savedResult('dispatch-outage-resilient');
  const text = renderComparison([naive, resilient]);
  const row = (label: string) =>
    text
      .split('\n')
      .map((l) => l.trim().split(/\s{2,}/))
      .find((cells) => cells[0] === label);

  it('shows both verdicts side by side: naive fails, resilient passes', () => {
    expect(
      text
        .split('\n')
        .map((l) => l.trim().split(/\s{2,}/))
        .find((cells) => cells[0] === 'naive'),
    ).toEqual(['naive', 'resilient']);
    expect(row('verdict')).toEqual(['verdict', 'FAIL', 'PASS']);
  });

  it('marks every SLO met or missed per profile, as each result says', () => {
    expect(naive.slos.map((s) => s.name)).toEqual(resilient.slos.map((s) => s.name));
    naive.slos.forEach((slo, i) => {
      const cells = row(slo.name)!;
      const mark = (passed: boolean) => (passed ? '✓' : '✗');
      expect(cells).toHaveLength(3);
      expect([cells[1]!.charAt(0), cells[2]!.charAt(0)]).toEqual([mark(slo.passed), mark(resilient.slos[i]!.passed)]);
      if (slo.measured === null) expect(cells[1]).toBe('✗ n/a');
    });
  });

  it('gives each profile its own request and error counts of the whole run', () => {
    const whole = (r: typeof naive) => r.windows.find((w) => w.name === 'whole')!;
    expect(row('requests')).toEqual(['requests', String(whole(naive).requests), String(whole(resilient).requests)]);
    expect(row('errors')).toEqual(['errors', String(whole(naive).errors), String(whole(resilient).errors)]);
  });
});
