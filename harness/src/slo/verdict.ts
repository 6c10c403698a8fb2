import type { SloSpec } from '../scenario/model.ts';
import type { Measurement, SloUnit } from './evaluator.ts';
import { formatValue, type Display } from './format.ts';
import type { SloVerdict } from '../model/result.ts';

type Op = SloSpec['op'];

/** How the measured value compares with the threshold. A value that could not be measured
 * fails. */
export function meets(op: Op, measured: number, threshold: number): boolean {
  switch (op) {
    case '<':
      return measured < threshold;
    case '<=':
      return measured <= threshold;
    case '>':
      return measured > threshold;
    case '>=':
      return measured >= threshold;
    case '==':
      return measured === threshold;
  }
}

/** Signed distance to the threshold, positive = room to spare: for `<`/`<=` threshold −
 * measured, for `>`/`>=` measured − threshold, for `==` −|measured − threshold|. Rounded to
 * 9 decimals so float noise (0.30000000000000004) does not reach reports. */
export function marginOf(op: Op, measured: number, threshold: number): number {
  const raw = op === '<' || op === '<=' ? threshold - measured : op === '==' ? -Math.abs(measured - threshold) : measured - threshold;
  return Number(raw.toFixed(9)) + 0;
}

export interface VerdictInput {
  slo: SloSpec;
  label: string;
  unit: SloUnit;
  display?: Display | undefined;
  measurement: Measurement;
}

/** The verdict of one SLO with its sentence, e.g. `p(99) was 412 ms, threshold < 800 ms (388 ms
 * to spare)`. */
export function sloVerdict({ slo, label, unit, display, measurement }: VerdictInput): SloVerdict {
  const show = (value: number) => formatValue(value, unit, display);
  const thresholdText = `threshold ${slo.op} ${show(slo.threshold)}`;
  const base = { name: slo.name, expression: slo.expression, window: slo.window, op: slo.op, threshold: slo.threshold, unit };
  if (measurement.value === null) {
    return {
      ...base,
      measured: null,
      passed: false,
      margin: null,
      detail: `${label} could not be measured (${measurement.reason}), ${thresholdText}`,
      reason: measurement.reason,
    };
  }
  const measured = measurement.value;
  const margin = marginOf(slo.op, measured, slo.threshold);
  return {
    ...base,
    measured,
    passed: meets(slo.op, measured, slo.threshold),
    margin,
    detail: `${label} was ${show(measured)}, ${thresholdText} (${marginText(slo.op, margin, show)})${measurement.note ? `; ${measurement.note}` : ''}`,
  };
}

function marginText(op: Op, margin: number, show: (value: number) => string): string {
  if (margin > 0) return `${show(margin)} to spare`;
  if (margin === 0) return op === '==' ? 'exactly' : 'exactly at the threshold';
  const distance = show(-margin);
  if (op === '==') return `off by ${distance}`;
  return op === '<' || op === '<=' ? `${distance} over` : `${distance} short`;
}
