import { describe, expect, it } from 'vitest';
import type { SloSpec } from '../../src/scenario/model.ts';
import { formatValue } from '../../src/slo/format.ts';
import { marginOf, meets, sloVerdict } from '../../src/slo/verdict.ts';

const p99 = (op: SloSpec['op'], threshold: number): SloSpec => ({
  name: `p(99) ${op} ${threshold}ms`,
  expression: `p(99) ${op} ${threshold}ms`,
  window: 'fault',
  metric: { kind: 'latency_percentile', percentile: 99 },
  op,
  threshold,
});

describe('comparing a measured value with its threshold', () => {
  it.each([
    ['<', 799, true],
    ['<', 800, false],
    ['<=', 800, true],
    ['>', 800, false],
    ['>=', 800, true],
    ['==', 800, true],
    ['==', 800.5, false],
  ] as const)('%s 800 with %d measured passes: %s', (op, measured, passes) => {
    expect(meets(op, measured, 800)).toBe(passes);
  });

  it('signs the margin so that positive means room to spare', () => {
    expect(marginOf('<', 412, 800)).toBe(388);
    expect(marginOf('<=', 900, 800)).toBe(-100);
    expect(marginOf('>', 0.995, 0.99)).toBeCloseTo(0.005, 12);
    expect(marginOf('>=', 0.9, 0.99)).toBeCloseTo(-0.09, 12);
    expect(marginOf('==', 3, 0)).toBe(-3);
    expect(marginOf('==', 0, 0)).toBe(0);
  });

  it('keeps float noise out of the margin', () => {
    expect(marginOf('<', 0.1 + 0.2, 0.5)).toBe(0.2);
  });
});

describe('the verdict sentence', () => {
  it('says the measured value, the threshold and the room to spare', () => {
    const verdict = sloVerdict({ slo: p99('<', 800), label: 'p(99)', unit: 'ms', measurement: { value: 412 } });
    expect(verdict).toEqual({
      name: 'p(99) < 800ms',
      expression: 'p(99) < 800ms',
      window: 'fault',
      measured: 412,
      op: '<',
      threshold: 800,
      unit: 'ms',
      passed: true,
      margin: 388,
      detail: 'p(99) was 412 ms, threshold < 800 ms (388 ms to spare)',
    });
  });

  it('says by how much a ceiling was exceeded', () => {
    expect(sloVerdict({ slo: p99('<', 800), label: 'p(99)', unit: 'ms', measurement: { value: 1210.4 } }).detail).toBe(
      'p(99) was 1210 ms, threshold < 800 ms (410 ms over)',
    );
  });

  it('shows ratios as percentages and says by how much a floor was missed', () => {
    const slo: SloSpec = { ...p99('>=', 0.99), metric: { kind: 'success_rate' } };
    const verdict = sloVerdict({ slo, label: 'success rate', unit: 'ratio', measurement: { value: 0.875 } });
    expect(verdict.detail).toBe('success rate was 87.5 %, threshold >= 99 % (11.5 % short)');
    expect(verdict.passed).toBe(false);
  });

  it('fails a value that could not be measured and says why', () => {
    const slo: SloSpec = { ...p99('<', 2000), metric: { kind: 'breaker_time_to_open' } };
    const verdict = sloVerdict({
      slo,
      label: 'breaker time to open',
      unit: 'ms',
      measurement: { value: null, reason: 'the breaker never opened in window fault' },
    });
    expect(verdict).toMatchObject({ measured: null, passed: false, margin: null });
    expect(verdict.detail).toBe('breaker time to open could not be measured (the breaker never opened in window fault), threshold < 2000 ms');
  });

  it('says a value right on a strict threshold is exactly at it, and fails it', () => {
    const verdict = sloVerdict({ slo: p99('<', 800), label: 'p(99)', unit: 'ms', measurement: { value: 800 } });
    expect(verdict.passed).toBe(false);
    expect(verdict.detail).toBe('p(99) was 800 ms, threshold < 800 ms (exactly at the threshold)');
  });
});

describe('formatting values', () => {
  it('rounds milliseconds to whole numbers from 100 ms and to a tenth below', () => {
    expect(formatValue(412.6, 'ms')).toBe('413 ms');
    expect(formatValue(12.34, 'ms')).toBe('12.3 ms');
  });

  it('formats ratios, multiples, rates and counts', () => {
    expect(formatValue(0.0123, 'ratio')).toBe('1.23 %');
    expect(formatValue(1.346, 'ratio', 'times')).toBe('1.35×');
    expect(formatValue(48.25, 'req/s')).toBe('48.3 req/s');
    expect(formatValue(3, 'count')).toBe('3');
  });
});
