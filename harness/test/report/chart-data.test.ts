import { describe, expect, it } from 'vitest';
import { niceCeil, ticks, xAt } from '../../src/report/html/chart.ts';
import { amplificationLines, faultBands } from '../../src/report/html/series.ts';
import type { DependencyPoint } from '../../src/model/result.ts';
import { savedResult } from '../fixtures/recordings.ts';
import { buildRunResult } from './fixtures.ts';

const point = (t: number, v: Partial<DependencyPoint>): DependencyPoint => ({
  t,
  service: 'rides',
  dependency: 'dispatch',
  calls: 0,
  attempts: 0,
  timeouts: 0,
  rejections: 0,
  shortCircuits: 0,
  fallbacks: 0,
  ...v,
});

describe('chart data', () => {
  it('shows retry amplification per scrape interval: 1.5 during the fault, 1 outside it', () => {
    const [dispatch, pricing] = amplificationLines(buildRunResult());
    const at = (t: number) => dispatch!.points.find((p) => p[0] === t)![1];
    expect(dispatch!.name).toBe('rides → dispatch');
    expect(at(5000)).toBe(1);
    expect(at(12_000)).toBe(1.5);
    expect(pricing!.points.every((p) => p[1] === 1)).toBe(true);
  });

  it('leaves a gap where no calls were made and survives a counter reset (a restart)', () => {
    const result = buildRunResult({
      dependencySeries: [point(0, { calls: 10, attempts: 10 }), point(1000, { calls: 10, attempts: 10 }), point(2000, { calls: 4, attempts: 8 })],
    });
    expect(amplificationLines(result)[0]!.points).toEqual([
      [1000, null],
      [2000, 2],
    ]);
  });

  it('reads exactly 1 in every interval without retries, however many calls the breaker short-circuited', () => {
    // Short-circuited calls are not calls (the services count them as unsent): they grow
    // shortCircuits and fallbacks only.
    const result = buildRunResult({
      dependencySeries: [
        point(0, { calls: 10, attempts: 10 }),
        point(1000, { calls: 12, attempts: 12, shortCircuits: 40, fallbacks: 40 }),
        point(2000, { calls: 20, attempts: 20, shortCircuits: 41, fallbacks: 41 }),
      ],
    });
    expect(amplificationLines(result)[0]!.points).toEqual([
      [1000, 1],
      [2000, 1],
    ]);
  });

  it('bands each applied fault from applied to removed, and skips one never applied', () => {
    const base = buildRunResult();
    const bands = faultBands(buildRunResult({ faults: [...base.faults, { id: 'f2', kind: 'crash', target: 'drivers', error: 'no such service' }] }));
    expect(bands).toEqual([{ label: 'f1 toxic', title: 'f1: toxic rides -> dispatch, 10.0 s – 20.0 s', fromMs: 10_000, toMs: 20_000 }]);
  });

  it('scales time linearly onto the plot and rounds axes to readable steps', () => {
    expect(xAt(0, 30_000)).toBe(56);
    expect(xAt(30_000, 30_000)).toBe(744);
    expect(xAt(45_000, 30_000)).toBe(744);
    expect(niceCeil(640)).toBe(800);
    expect(niceCeil(1.5)).toBe(1.5);
    expect(niceCeil(1.6)).toBe(2);
    expect(niceCeil(0)).toBe(1);
    expect(ticks(30_000)).toEqual([0, 5000, 10_000, 15_000, 20_000, 25_000, 30_000]);
  });
});

// Chart data of saved real runs; expectations are read from each result's own data.
describe('chart data of saved real runs', () => {
  it('bands both faults of slow-network from their recorded applied to removed times', () => {
    const result = savedResult('slow-network-resilient');
    expect(result.faults).toHaveLength(2);
    expect(faultBands(result).map((b) => [b.label, b.fromMs, b.toMs])).toEqual(result.faults.map((f) => [`${f.id} ${f.kind}`, f.appliedAtMs, f.removedAtMs]));
  });

  it('turns the recorded breaker transitions of a real run into back-to-back spans over the load, half-open phases included', () => {
    const result = savedResult('dispatch-outage-resilient');
    const spans = result.breakerSpans.filter((s) => s.service === 'trip' && s.dependency === 'dispatch');
    expect(spans.every((s) => s.source === 'events')).toBe(true);
    expect(spans[0]!.fromMs).toBe(0);
    expect(spans.at(-1)!.toMs).toBe(result.durationMs);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.fromMs).toBe(spans[i - 1]!.toMs);
      expect(spans[i]!.state).not.toBe(spans[i - 1]!.state);
    }
    // The saved run is kept for this: its breaker opened during the outage and tried half-open.
    expect(spans.map((s) => s.state)).toContain('open');
    expect(spans.map((s) => s.state)).toContain('half_open');
  });

  it('reads exactly 1 in every interval of saved naive runs (no retries), outage and crash included', () => {
    for (const name of ['dispatch-outage-naive', 'crash-restart-naive'] as const) {
      const lines = amplificationLines(savedResult(name));
      expect(lines.length, name).toBeGreaterThan(0);
      for (const line of lines) {
        const values = line.points.map((p) => p[1]).filter((v) => v !== null);
        expect(values.length, `${name} ${line.name}`).toBeGreaterThan(0);
        expect(new Set(values), `${name} ${line.name}`).toEqual(new Set([1]));
      }
    }
  });

  it('gives one amplification line per scraped dependency, each point at a scrape time after the first, finite or a gap', () => {
    for (const name of ['dispatch-outage-resilient', 'crash-restart-naive'] as const) {
      const result = savedResult(name);
      const lines = amplificationLines(result);
      const pairs = new Set(result.dependencySeries.map((p) => `${p.service} → ${p.dependency}`));
      expect(lines.map((l) => l.name).sort()).toEqual([...pairs].sort());
      for (const line of lines) {
        const times = result.dependencySeries.filter((p) => `${p.service} → ${p.dependency}` === line.name).map((p) => p.t);
        expect(line.points.map((p) => p[0])).toEqual(times.slice(1));
        for (const [, value] of line.points) if (value !== null) expect(Number.isFinite(value) && value >= 0).toBe(true);
      }
    }
  });
});
