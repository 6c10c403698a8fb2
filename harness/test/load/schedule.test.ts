import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../src/load/schedule.ts';

function allTimes(schedule: ArrivalSchedule): number[] {
  return Array.from({ length: schedule.count }, (_, n) => schedule.timeOfMs(n));
}

describe('the arrival schedule', () => {
  it('spaces a constant rate evenly, starting at 0', () => {
    const schedule = new ArrivalSchedule([{ durationMs: 1000, fromRate: 100, toRate: 100 }]);
    expect(schedule.count).toBe(100);
    expect(schedule.durationMs).toBe(1000);
    allTimes(schedule).forEach((t, n) => expect(t).toBeCloseTo(n * 10, 9));
  });

  it('counts a fractional total up to the end of the schedule, never past it', () => {
    const schedule = new ArrivalSchedule([{ durationMs: 1000, fromRate: 2.5, toRate: 2.5 }]);
    expect(allTimes(schedule)).toEqual([0, 400, 800]);
    expect(new ArrivalSchedule([{ durationMs: 1000, fromRate: 3, toRate: 3 }]).count).toBe(3);
  });

  it('places ramp-up arrivals where the integral of the rate reaches n', () => {
    // 0 → 100/s over 10 s: rate = 10·t, integral = 5·t², so arrival n is at √(n/5) s.
    const schedule = new ArrivalSchedule([{ durationMs: 10_000, fromRate: 0, toRate: 100 }]);
    expect(schedule.count).toBe(500);
    for (const n of [0, 1, 5, 20, 125, 499]) expect(schedule.timeOfMs(n)).toBeCloseTo(Math.sqrt(n / 5) * 1000, 6);
  });

  it('places ramp-down arrivals exactly too', () => {
    // 100 → 0/s over 10 s: integral = 100·t − 5·t², so arrival n is at 10 − √(100 − n/5) s.
    const schedule = new ArrivalSchedule([{ durationMs: 10_000, fromRate: 100, toRate: 0 }]);
    expect(schedule.count).toBe(500);
    for (const n of [0, 1, 250, 495, 499]) expect(schedule.timeOfMs(n)).toBeCloseTo((10 - Math.sqrt(100 - n / 5)) * 1000, 6);
  });

  it('chains stages, skipping a stage with no arrivals', () => {
    const schedule = new ArrivalSchedule([
      { durationMs: 1000, fromRate: 10, toRate: 10 }, // 10 arrivals
      { durationMs: 1000, fromRate: 10, toRate: 30 }, // 20
      { durationMs: 1000, fromRate: 0, toRate: 0 }, // 0
      { durationMs: 1000, fromRate: 5, toRate: 5 }, // 5
    ]);
    expect(schedule.count).toBe(35);
    expect(schedule.durationMs).toBe(4000);
    expect(schedule.timeOfMs(9)).toBeCloseTo(900, 9);
    expect(schedule.timeOfMs(10)).toBeCloseTo(1000, 9);
    expect(schedule.timeOfMs(30)).toBeCloseTo(3000, 9);
    expect(schedule.timeOfMs(34)).toBeCloseTo(3800, 9);
    const perSecond = [0, 1, 2, 3].map((s) => schedule.countBefore((s + 1) * 1000) - schedule.countBefore(s * 1000));
    expect(perSecond).toEqual([10, 20, 0, 5]);
    const times = allTimes(schedule);
    for (let n = 1; n < times.length; n++) expect(times[n]!).toBeGreaterThan(times[n - 1]!);
  });

  it('does not drift over a long run', () => {
    const schedule = new ArrivalSchedule([
      { durationMs: 3_600_000, fromRate: 1000, toRate: 1000 },
      { durationMs: 3_600_000, fromRate: 1000, toRate: 3000 },
    ]);
    expect(schedule.count).toBe(3_600_000 + 7_200_000);
    expect(schedule.timeOfMs(3_599_999)).toBeCloseTo(3_599_999, 6);
    expect(schedule.timeOfMs(3_600_000)).toBeCloseTo(3_600_000, 6);
    // Halfway through the ramp (rate 2000/s) the integral is 1000·1800 + 500·1800 = 2 700 000 arrivals.
    expect(schedule.timeOfMs(3_600_000 + 2_700_000)).toBeCloseTo(3_600_000 + 1_800_000, 4);
    expect(schedule.timeOfMs(schedule.count - 1)).toBeLessThan(7_200_000);
  });

  it('has no arrivals without stages', () => {
    const schedule = new ArrivalSchedule([]);
    expect(schedule.count).toBe(0);
    expect(schedule.durationMs).toBe(0);
  });
});
