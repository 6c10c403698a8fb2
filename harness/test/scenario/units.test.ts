import { describe, expect, it } from 'vitest';
import { durationProblem, formatDuration, parseDuration, parseRate, parseRatio } from '../../src/document/units.ts';

describe('durations', () => {
  it('read ms, s, m, h and µs, decimals and compound forms into milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('500us')).toBe(0.5);
    expect(parseDuration('0.1s')).toBe(100);
  });

  it('reject a missing unit, a sign, spaces and unknown units', () => {
    for (const text of ['10', '-5s', '10 s', '10sec', 's', '', '1.s']) expect(parseDuration(text), text).toBeUndefined();
  });

  it('explain a bare number with the unit to add, and a negative value as negative', () => {
    expect(durationProblem(10)).toContain("write e.g. '10s'");
    expect(durationProblem(-3)).toContain('cannot be negative');
    expect(durationProblem('-5s')).toBe("a duration cannot be negative: got '-5s'");
  });

  it('print back in a short form', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('rates and ratios', () => {
  it('read rates per second and per minute', () => {
    expect(parseRate('100/s')).toBe(100);
    expect(parseRate('6000/m')).toBe(100);
    expect(parseRate('0.5/s')).toBe(0.5);
    expect(parseRate('100')).toBeUndefined();
    expect(parseRate('100/d')).toBeUndefined();
  });

  it('read ratios as numbers or percentages up to 100%', () => {
    expect(parseRatio(0.25)).toBe(0.25);
    expect(parseRatio('50%')).toBe(0.5);
    expect(parseRatio('100%')).toBe(1);
    expect(parseRatio('0.5%')).toBe(0.005);
    expect(parseRatio('150%')).toBeUndefined();
    expect(parseRatio('half')).toBeUndefined();
  });
});
