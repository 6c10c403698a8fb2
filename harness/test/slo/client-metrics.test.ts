import { describe, expect, it } from 'vitest';
import { builtinWindows, recording, request, slo, steadyLoad } from '../fixtures/builders.ts';
import { verdictOf } from './helpers.ts';

// Ten requests in [0, 1000) with latencies 10, 20, …, 100 ms, the last two failed; two more
// dropped in [1000, 2000). The whole window is 2 s long.
const latencies = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const tenRequests = recording({
  durationMs: 2000,
  samples: latencies.map((latencyMs, index) => request(index * 100, latencyMs, { ok: index < 8 })),
  dropped: [1500, 1600],
});

describe('client latency metrics', () => {
  it('measures p(N) with the nearest rank over every request sent, errors included', () => {
    expect(verdictOf(tenRequests, slo({ kind: 'latency_percentile', percentile: 90 }, '<', 1000)).measured).toBe(90);
    expect(verdictOf(tenRequests, slo({ kind: 'latency_percentile', percentile: 99 }, '<', 1000)).measured).toBe(100);
  });

  it('measures latency from the scheduled time, not from the actual send', () => {
    const late = recording({ durationMs: 1000, samples: [{ scheduledMs: 0, sentMs: 400, endMs: 450, status: 200, ok: true }] });
    expect(verdictOf(late, slo({ kind: 'latency_max' }, '<', 1000)).measured).toBe(450);
  });

  it('counts a fast failure as fast', () => {
    const fastFailure = recording({ durationMs: 1000, samples: [request(0, 2, { ok: false, status: 0, error: 'connect' })] });
    expect(verdictOf(fastFailure, slo({ kind: 'latency_max' }, '<', 1000)).measured).toBe(2);
  });

  it('measures max and mean', () => {
    expect(verdictOf(tenRequests, slo({ kind: 'latency_max' }, '<', 1000)).measured).toBe(100);
    expect(verdictOf(tenRequests, slo({ kind: 'latency_mean' }, '<', 1000)).measured).toBe(55);
  });

  it('cannot measure latency in a window where nothing was sent, and fails the SLO', () => {
    const verdict = verdictOf(recording({ durationMs: 1000 }), slo({ kind: 'latency_percentile', percentile: 99 }, '<', 1000));
    expect(verdict).toMatchObject({ measured: null, passed: false, margin: null });
    expect(verdict.detail).toContain('no request was sent in window whole');
  });
});

describe('client rate and count metrics', () => {
  it('counts dropped requests as failures in success and error rates', () => {
    // 8 ok of 10 sent + 2 dropped = 12 asked for.
    expect(verdictOf(tenRequests, slo({ kind: 'success_rate' }, '>', 0)).measured).toBeCloseTo(8 / 12, 12);
    expect(verdictOf(tenRequests, slo({ kind: 'error_rate' }, '<', 1)).measured).toBeCloseTo(4 / 12, 12);
  });

  it('measures throughput as successful responses per second of the window', () => {
    expect(verdictOf(tenRequests, slo({ kind: 'throughput' }, '>', 0)).measured).toBe(4);
  });

  it('counts dropped requests', () => {
    expect(verdictOf(tenRequests, slo({ kind: 'dropped' }, '==', 0)).measured).toBe(2);
  });

  it('cannot measure a rate in a window where nothing was scheduled', () => {
    const empty = recording({ durationMs: 1000 });
    expect(verdictOf(empty, slo({ kind: 'error_rate' }, '<', 0.1)).measured).toBeNull();
    expect(verdictOf(empty, slo({ kind: 'success_rate' }, '>', 0.9)).measured).toBeNull();
    expect(verdictOf(empty, slo({ kind: 'dropped' }, '==', 0)).measured).toBe(0);
  });

  it('fails an SLO on a window the recording does not have', () => {
    const verdict = verdictOf(tenRequests, slo({ kind: 'dropped' }, '<', 5, 'nowhere'));
    expect(verdict.passed).toBe(false);
    expect(verdict.detail).toContain('window nowhere is not in the recording');
  });
});

describe('time to recover', () => {
  const windows = builtinWindows(10_000, 2000, 4000);
  const baselineLoad = steadyLoad({ fromMs: 0, toMs: 2000, ratePerSecond: 10, latencyMs: () => 20 });
  const recoveryLoad = (bad: (tMs: number) => { latencyMs?: number; ok?: boolean }) =>
    steadyLoad({
      fromMs: 4000,
      toMs: 10_000,
      ratePerSecond: 10,
      latencyMs: (t) => bad(t).latencyMs ?? 20,
      ok: (t) => bad(t).ok ?? true,
    });
  const ttr = { kind: 'time_to_recover' } as const;
  const measure = (samples: ReturnType<typeof steadyLoad>, withBaseline = true) =>
    verdictOf(
      recording({ durationMs: 10_000, samples, windows: withBaseline ? windows : windows.filter((w) => w.name !== 'baseline') }),
      slo(ttr, '<', 5000, 'recovery'),
    ).measured;

  it('is 0 when the first seconds of the window are already healthy', () => {
    expect(measure([...baselineLoad, ...recoveryLoad(() => ({}))])).toBe(0);
  });

  it('is the start of the first second from which the next three stay healthy, from the window start', () => {
    // Errors until 6.5 s: seconds 4–5, 5–6 and 6–7 are unhealthy; 7 s on is clean.
    const samples = [...baselineLoad, ...recoveryLoad((t) => (t < 6500 ? { ok: false } : {}))];
    expect(measure(samples)).toBe(3000);
  });

  it('does not count a healthy second followed by a relapse', () => {
    // 4–5 bad, 5–6 good, 6–7 bad, then good: recovered at 7 s, 3000 ms into the window.
    const samples = [...baselineLoad, ...recoveryLoad((t) => (t < 5000 || (t >= 6000 && t < 7000) ? { latencyMs: 500 } : {}))];
    expect(measure(samples)).toBe(3000);
  });

  it('judges latency against max(2 × baseline p99, baseline p99 + 50 ms)', () => {
    // Baseline p99 20 ms → limit 70 ms: 70 ms is healthy, 71 ms is not.
    expect(measure([...baselineLoad, ...recoveryLoad((t) => (t < 5000 ? { latencyMs: 70 } : {}))])).toBe(0);
    expect(measure([...baselineLoad, ...recoveryLoad((t) => (t < 5000 ? { latencyMs: 71 } : {}))])).toBe(1000);
  });

  it('uses 1 % errors and 1000 ms p99 without a baseline window', () => {
    const slowButOk = recoveryLoad((t) => (t < 5000 ? { latencyMs: 900 } : {}));
    expect(measure(slowButOk, false)).toBe(0);
    expect(
      measure(
        recoveryLoad((t) => (t < 5000 ? { latencyMs: 1001 } : {})),
        false,
      ),
    ).toBe(1000);
  });

  it('counts dropped requests as errors in a second', () => {
    const run = recording({
      durationMs: 10_000,
      samples: [...baselineLoad, ...recoveryLoad(() => ({}))],
      dropped: [4100],
      windows,
    });
    expect(verdictOf(run, slo(ttr, '<', 5000, 'recovery')).measured).toBe(1000);
  });

  it('accepts a shorter healthy remainder at the end of the window', () => {
    // Bad until 8.5 s: seconds 8–9 bad, 9–10 healthy and the window ends: 5000 ms.
    expect(measure([...baselineLoad, ...recoveryLoad((t) => (t < 8500 ? { ok: false } : {}))])).toBe(5000);
  });

  it('is null when the window ends unhealthy', () => {
    const verdict = verdictOf(
      recording({ durationMs: 10_000, samples: [...baselineLoad, ...recoveryLoad(() => ({ ok: false }))], windows }),
      slo(ttr, '<', 5000, 'recovery'),
    );
    expect(verdict).toMatchObject({ measured: null, passed: false });
    expect(verdict.detail).toContain('never recovered');
  });
});
