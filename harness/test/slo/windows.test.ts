import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/slo/analyse.ts';
import { recording, request, scenario } from '../fixtures/builders.ts';

describe('window membership', () => {
  const run = recording({
    durationMs: 3000,
    // Scheduled exactly at the edges of [1000, 2000): 1000 is in, 2000 is out, 999.9 is out.
    samples: [request(999.9, 5), request(1000, 7), request(1999.9, 9, { ok: false }), request(2000, 11)],
    dropped: [1000, 2000],
    windows: [
      { name: 'whole', startMs: 0, endMs: 3000 },
      { name: 'middle', startMs: 1000, endMs: 2000 },
    ],
  });
  const middle = analyse(run, scenario([])).windows.find((window) => window.name === 'middle')!;

  it('puts a request in the window by its scheduled time, start inclusive and end exclusive', () => {
    expect(middle.requests).toBe(2);
    expect(middle.latency.max).toBe(9);
  });

  it('counts a request by its scheduled time even when it ended after the window', () => {
    const late = recording({ durationMs: 2000, samples: [request(900, 5000)], windows: [{ name: 'first', startMs: 0, endMs: 1000 }] });
    expect(analyse(late, scenario([])).windows[0]!.latency.max).toBe(5000);
  });

  it('puts a dropped request in the window by its scheduled time too', () => {
    expect(middle.dropped).toBe(1);
  });

  it('reports ok, errors by kind and the throughput of successful responses', () => {
    expect(middle.ok).toBe(1);
    expect(middle.errors).toBe(1);
    expect(middle.errorsByKind).toEqual({ status: 1, timeout: 0, connect: 0, reset: 0, other: 0 });
    expect(middle.throughput).toBe(1);
  });

  it('gives statistics for every window of the recording, in its order', () => {
    expect(analyse(run, scenario([])).windows.map((window) => window.name)).toEqual(['whole', 'middle']);
  });
});

describe('the per-second series', () => {
  const run = recording({
    durationMs: 2500,
    samples: [request(0, 10), request(999, 30), request(1000, 50, { ok: false }), request(2400, 70), request(2600, 90)],
    dropped: [1500, 1600],
  });
  const series = analyse(run, scenario([])).series;

  it('has one point per second of the load, the last one partial', () => {
    expect(series.map((point) => point.t)).toEqual([0, 1000, 2000]);
  });

  it('counts requests, errors and drops by scheduled second, with nearest-rank p50 and p99', () => {
    expect(series[0]).toEqual({ t: 0, requests: 2, errors: 0, dropped: 0, p50: 10, p99: 30 });
    expect(series[1]).toEqual({ t: 1000, requests: 1, errors: 1, dropped: 2, p50: 50, p99: 50 });
  });

  it('leaves out requests scheduled after the end of the load', () => {
    expect(series[2]!.requests).toBe(1);
  });

  it('shows 0 latency for a second in which nothing was sent', () => {
    const quiet = analyse(recording({ durationMs: 1000, dropped: [10] }), scenario([])).series;
    expect(quiet).toEqual([{ t: 0, requests: 0, errors: 0, dropped: 1, p50: 0, p99: 0 }]);
  });
});
