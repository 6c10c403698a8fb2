import { describe, expect, it } from 'vitest';
import { formatMargin, formatMs, formatThreshold, formatValue } from '../../src/report/format.ts';

describe('value formatting', () => {
  it('writes durations in ms, with a decimal below 10 ms and in seconds from 10 s', () => {
    expect([formatMs(0), formatMs(0.84), formatMs(412.4), formatMs(9999), formatMs(12_500)]).toEqual(['0 ms', '0.8 ms', '412 ms', '9999 ms', '12.5 s']);
  });

  it('writes each SLO unit its own way and n/a for null', () => {
    expect(formatValue(0.0532, 'ratio')).toBe('5.32 %');
    expect(formatValue(17.25, 'req/s')).toBe('17.3 req/s');
    expect(formatValue(3, 'count')).toBe('3');
    expect(formatValue(1.5, '×')).toBe('1.5 ×');
    expect(formatValue(null, 'ms')).toBe('n/a');
  });

  it('signs margins: + room to spare, - missed by', () => {
    expect(formatMargin(160, 'ms')).toBe('+160 ms');
    expect(formatMargin(-0.0432, 'ratio')).toBe('-4.32 %');
    expect(formatMargin(null, 'ms')).toBe('n/a');
    expect(formatThreshold('>=', 15, 'req/s')).toBe('>= 15 req/s');
  });
});
