import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { parseK6Summary, parseK6SummaryText } from '../../src/k6/summary.ts';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const parseFixture = (name: string) => parseK6SummaryText(readFileSync(fixture(name), 'utf8'), fixture(name));

function issuesOf(action: () => unknown): InputError['issues'] {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseK6Summary', () => {
  it('reads a passing --summary-export file', () => {
    const summary = parseFixture('summary-export-passing.json');
    expect(summary).toMatchObject({
      format: 'summary-export',
      testRunDurationMs: 33012.4,
      latency: { avgMs: 41.2, minMs: 3.1, medMs: 22.9, maxMs: 612.7, percentilesMs: { '90': 88.4, '95': 131, '99': 402.3 } },
      failures: { rate: 0.002564102564102564, failedRequests: 4, okRequests: 1556 },
      requests: { count: 1560, ratePerSecond: 47.25 },
      droppedIterations: 0,
      thresholdsOk: true,
    });
    expect(summary.thresholds).toHaveLength(5);
    expect(summary.thresholds[0]).toEqual({ metric: 'http_req_duration', expression: 'p(99)<800', ok: true });
  });

  it('reads failed thresholds and dropped iterations from handleSummary data', () => {
    const summary = parseFixture('handle-summary-failing.json');
    expect(summary.format).toBe('handle-summary');
    expect(summary.thresholdsOk).toBe(false);
    expect(summary.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`)).toEqual([
      'http_req_duration p(99)<800',
      'http_req_failed rate<0.01',
      'dropped_iterations count==0',
    ]);
    expect(summary.droppedIterations).toBe(37);
    expect(summary.latency?.percentilesMs['99.9']).toBe(2000.5);
    expect(summary.failures).toEqual({ rate: 0.18, failedRequests: 270, okRequests: 1230 });
  });

  it('reports every malformed field of a summary with its line and column', () => {
    const issues = issuesOf(() => parseFixture('malformed.json'));
    expect(issues.map((issue) => [issue.line, issue.field])).toEqual([
      [3, 'metrics.http_req_duration.avg'],
      [4, 'metrics.http_req_failed.value'],
      [5, 'metrics.http_reqs.thresholds.rate>=20'],
      [6, 'metrics.dropped_iterations'],
    ]);
    expect(issues.every((issue) => issue.file.endsWith('malformed.json') && issue.column > 1)).toBe(true);
  });

  it('rejects a document without metrics and text that is not JSON', () => {
    expect(issuesOf(() => parseK6Summary({ state: {} })).map((issue) => issue.field)).toEqual(['metrics']);
    expect(issuesOf(() => parseK6Summary('summary'))[0]!.message).toContain('expected an object');
    expect(issuesOf(() => parseK6SummaryText('{"metrics": {', 'bad.json'))[0]!.message).toContain('syntax error');
  });

  it('passes a run that sent no request and set no threshold', () => {
    expect(parseK6Summary({ metrics: {} })).toEqual({ format: 'summary-export', droppedIterations: 0, thresholds: [], thresholdsOk: true });
  });
});
