import { describe, expect, it } from 'vitest';
import { renderComparison } from '../../src/report/index.ts';
import { buildRunResult, passingResult } from './fixtures.ts';

describe('renderComparison', () => {
  const text = renderComparison([buildRunResult({ profile: 'naive' }), passingResult()]);
  const row = (label: string) => text.split('\n').map((l) => l.trim().split(/\s{2,}/)).find((cells) => cells[0] === label)!;

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
