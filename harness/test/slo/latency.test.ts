import { describe, expect, it } from 'vitest';
import { nearestRank, summariseLatency } from '../../src/slo/latency.ts';

const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1);

describe('nearest-rank percentiles', () => {
  it('returns the smallest value with at least p % of the values at or below it', () => {
    expect(nearestRank(oneToHundred, 50)).toBe(50);
    expect(nearestRank(oneToHundred, 99)).toBe(99);
    expect(nearestRank(oneToHundred, 99.5)).toBe(100);
    expect(nearestRank(oneToHundred, 100)).toBe(100);
  });

  it('never interpolates: p(50) of [10, 20] is 10 and p(51) is 20', () => {
    expect(nearestRank([10, 20], 50)).toBe(10);
    expect(nearestRank([10, 20], 51)).toBe(20);
  });

  it('gives the minimum for p(0) and the single value for any percentile of one value', () => {
    expect(nearestRank([3, 4, 5], 0)).toBe(3);
    expect(nearestRank([7], 1)).toBe(7);
    expect(nearestRank([7], 99.9)).toBe(7);
  });

  it('is undefined for no values', () => {
    expect(nearestRank([], 99)).toBeUndefined();
  });

  it('summarises a sorted array, and an empty one as zeros', () => {
    expect(summariseLatency(oneToHundred)).toEqual({ p50: 50, p90: 90, p95: 95, p99: 99, max: 100, mean: 50.5 });
    expect(summariseLatency([])).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
});
