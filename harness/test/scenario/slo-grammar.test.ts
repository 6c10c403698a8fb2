import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.ts';
import { parseSlo, parseSloExpression } from '../../src/scenario/slo-grammar.ts';

describe('the SLO grammar', () => {
  it.each([
    ['p(99) < 800ms', { metric: { kind: 'latency_percentile', percentile: 99 }, op: '<', threshold: 800 }],
    ['p(99.9) <= 1.5s', { metric: { kind: 'latency_percentile', percentile: 99.9 }, op: '<=', threshold: 1500 }],
    ['max < 2s', { metric: { kind: 'latency_max' }, op: '<', threshold: 2000 }],
    ['mean<100ms', { metric: { kind: 'latency_mean' }, op: '<', threshold: 100 }],
    ['error_rate < 1%', { metric: { kind: 'error_rate' }, op: '<', threshold: 0.01 }],
    ['success_rate >= 0.99', { metric: { kind: 'success_rate' }, op: '>=', threshold: 0.99 }],
    ['throughput > 35/s', { metric: { kind: 'throughput' }, op: '>', threshold: 35 }],
    ['dropped == 0', { metric: { kind: 'dropped' }, op: '==', threshold: 0 }],
    ['time_to_recover < 5s', { metric: { kind: 'time_to_recover' }, op: '<', threshold: 5000 }],
    ['retry_amplification{service=trip} <= 1.5', { metric: { kind: 'retry_amplification', service: 'trip' }, op: '<=', threshold: 1.5 }],
    [
      'breaker_time_to_open{service=trip, dependency=dispatch} < 5s',
      { metric: { kind: 'breaker_time_to_open', service: 'trip', dependency: 'dispatch' }, op: '<', threshold: 5000 },
    ],
    ['breaker_time_to_close < 10s', { metric: { kind: 'breaker_time_to_close' }, op: '<', threshold: 10_000 }],
    ['bulkhead_rejections{dependency="dispatch"} < 10', { metric: { kind: 'bulkhead_rejections', dependency: 'dispatch' }, op: '<', threshold: 10 }],
    ['timeouts < 5', { metric: { kind: 'timeouts' }, op: '<', threshold: 5 }],
    ['fallbacks > 0', { metric: { kind: 'fallbacks' }, op: '>', threshold: 0 }],
    ['short_circuits > 0', { metric: { kind: 'short_circuits' }, op: '>', threshold: 0 }],
    ['duplicate_side_effects{service=dispatch} == 0', { metric: { kind: 'duplicate_side_effects', service: 'dispatch' }, op: '==', threshold: 0 }],
  ])('reads %s', (text, expected) => {
    expect(parseSloExpression(text)).toEqual({ ok: true, slo: expected });
  });

  it.each([
    ['p99 < 800ms', 1, "unknown metric 'p99'; did you mean 'p(99)'?"],
    ['eror_rate < 1%', 1, "did you mean 'error_rate'?"],
    ['p(99) < 800', 9, "p(99) takes 'ms' or 's', got no unit"],
    ['p(99) < 800sec', 12, "got 'sec'"],
    ['error_rate < 5ms', 15, "error_rate takes '%' or no unit, got 'ms'"],
    ['error_rate < 2', 14, 'a ratio without'],
    ['error_rate < 120%', 17, 'at most 100%'],
    ['p(0) < 1s', 3, 'percentile must be in (0, 100]'],
    ['p(101) < 1s', 3, 'percentile must be in (0, 100]'],
    ['max{service=trip} < 1s', 4, "'max' takes no labels"],
    ['timeouts{servce=trip} == 0', 10, "unknown label 'servce'"],
    ['duplicate_side_effects{dependency=x} == 0', 24, "unknown label 'dependency'"],
    ['timeouts{service=trip == 0', 23, "expected ',' or '}'"],
    ['p(99) = 800ms', 7, "did you mean '=='?"],
    ['p(99) < -1ms', 9, 'cannot be negative'],
    ['p(99) <', 8, 'expected a number'],
    ['p(99) < 5ms extra', 13, "unexpected 'extra'"],
  ])('rejects %s at column %i', (text, column, reason) => {
    const result = parseSloExpression(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.column).toBe(column);
    expect(result.reason).toContain(reason);
    expect(result.message).toContain(`'${text}'`);
  });

  it('throws a coded input error that quotes the expression', () => {
    expect(() => parseSlo('latency < 1s')).toThrow(FaultlineError);
    expect(() => parseSlo('latency < 1s')).toThrow("SLO in 'latency < 1s' at column 1: unknown metric 'latency'");
  });
});
