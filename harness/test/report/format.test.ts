import { describe, expect, it } from 'vitest';
import { displayUnit, formatMargin, formatMs, formatThreshold, formatValue } from '../../src/report/format.ts';

describe('value formatting', () => {
  it('writes durations in ms, with a decimal below 10 ms and in seconds from 10 s', () => {
    expect([formatMs(0), formatMs(0.84), formatMs(412.4), formatMs(9999), formatMs(12_500)]).toEqual(['0 ms', '0.8 ms', '412 ms', '9999 ms', '12.5 s']);
  });

  it('writes each SLO unit its own way and n/a for null', () => {
    expect(formatValue(0.0532, 'ratio')).toBe('5.32 %');
    expect(formatValue(17.25, 'req/s')).toBe('17.3 req/s');
    expect(formatValue(3, 'count')).toBe('3');
    expect(formatValue(1.5, 'B')).toBe('1.5 B');
    expect(formatValue(null, 'ms')).toBe('n/a');
  });

  it('signs margins: + room to spare, - missed by', () => {
    expect(formatMargin(160, 'ms')).toBe('+160 ms');
    expect(formatMargin(-0.0432, 'ratio')).toBe('-4.32 %');
    expect(formatMargin(null, 'ms')).toBe('n/a');
    expect(formatThreshold('>=', 15, 'req/s')).toBe('>= 15 req/s');
  });

  it('shows retry amplification as a multiple and other ratios as percentages', () => {
    const amplification = { unit: 'ratio', expression: 'retry_amplification{service=rides} < 2.5' };
    expect(formatValue(1.348, displayUnit(amplification))).toBe('1.35×');
    expect(formatThreshold('<', 2.5, displayUnit(amplification))).toBe('< 2.50×');
    expect(formatValue(0.25, displayUnit({ unit: 'ratio', expression: 'error_rate < 30%' }))).toBe('25.00 %');
  });
});
