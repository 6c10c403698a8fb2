import { describe, expect, it } from 'vitest';
import { judgedWindowMs, judgeFlatness, lastWindow, slopePerMinute, type Point } from '../../bench/flatness.ts';

/** A reading every 10 s for `minutes`, value = f(minutes since start). */
function series(minutes: number, f: (min: number) => number): Point[] {
  const points: Point[] = [];
  for (let atMs = 0; atMs <= minutes * 60_000; atMs += 10_000) points.push({ atMs, value: f(atMs / 60_000) });
  return points;
}

const rss = { metric: 'rss', unit: 'MB', maxSlopePerMin: 1 };

describe('slopePerMinute', () => {
  it('recovers the slope of a straight line exactly', () => {
    expect(slopePerMinute(series(5, (m) => 100 + 2.5 * m))).toBeCloseTo(2.5, 9);
    expect(slopePerMinute(series(5, (m) => 40 - 0.3 * m))).toBeCloseTo(-0.3, 9);
  });

  it('is zero for a constant and for noise symmetric around a constant', () => {
    expect(slopePerMinute(series(5, () => 7))).toBe(0);
    expect(slopePerMinute(series(4, (m) => 50 + (Math.round(m * 6) % 2 === 0 ? 3 : -3)))).toBeCloseTo(0, 1);
  });

  it('has no slope through fewer than two instants', () => {
    expect(slopePerMinute([])).toBeNaN();
    expect(slopePerMinute([{ atMs: 0, value: 1 }])).toBeNaN();
    expect(
      slopePerMinute([
        { atMs: 5, value: 1 },
        { atMs: 5, value: 9 },
      ]),
    ).toBeNaN();
  });
});

describe('judgeFlatness', () => {
  it('passes a series that grows during warm-up and then stays level', () => {
    // +30 MB in the first 10 minutes, flat after: the last 20 minutes are what is judged.
    const verdict = judgeFlatness(
      series(30, (m) => 80 + 3 * Math.min(m, 10)),
      judgedWindowMs(30),
      rss,
    );
    expect(verdict.flat).toBe(true);
    expect(verdict.slopePerMin).toBeCloseTo(0, 9);
    expect(verdict.start).toBe(110);
    expect(verdict.end).toBe(110);
    expect(verdict.points).toBe(121);
  });

  it('fails a slow steady leak just above the bound, and passes one just below', () => {
    expect(
      judgeFlatness(
        series(30, (m) => 80 + 1.2 * m),
        judgedWindowMs(30),
        rss,
      ).flat,
    ).toBe(false);
    expect(
      judgeFlatness(
        series(30, (m) => 80 + 0.8 * m),
        judgedWindowMs(30),
        rss,
      ).flat,
    ).toBe(true);
  });

  it('does not count memory given back against the series', () => {
    expect(
      judgeFlatness(
        series(30, (m) => 200 - 2 * m),
        judgedWindowMs(30),
        rss,
      ).flat,
    ).toBe(true);
  });

  it('is not flat when the window holds too few readings to show anything', () => {
    const verdict = judgeFlatness(
      series(0.2, () => 1),
      60_000,
      rss,
    );
    expect(verdict.points).toBe(2);
    expect(verdict.flat).toBe(false);
  });
});

describe('the judged window', () => {
  it('is the last 20 minutes of 30, two thirds of a short soak, or what is asked', () => {
    expect(judgedWindowMs(30)).toBe(20 * 60_000);
    expect(judgedWindowMs(3)).toBe(2 * 60_000);
    expect(judgedWindowMs(3, 1.5)).toBe(90_000);
  });

  it('holds the readings from the window start to the last reading', () => {
    const window = lastWindow(
      series(2, (m) => m),
      60_000,
    );
    expect(window[0]!.atMs).toBe(60_000);
    expect(window.at(-1)!.atMs).toBe(120_000);
    expect(window).toHaveLength(7);
  });
});
