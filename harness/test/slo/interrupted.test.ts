import { describe, expect, it } from 'vitest';
import type { Recording } from '../../src/model/recording.ts';
import { decodeRecording, encodeRecording } from '../../src/model/recording-file.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { builtinWindows, recording, scenario, slo, steadyLoad } from '../fixtures/builders.ts';

// A hand-built 40 s run, fault 10–20 s, 10 req/s, every request ok in 10 ms, except 50 % errors
// during the fault. Interrupted at 15 s: `whole` and `fault` were partial, `recovery` not reached,
// `baseline` complete — the known answers below follow from that alone.
const durationMs = 40_000;
const windows = builtinWindows(durationMs, 10_000, 20_000);
const interruptedAt = (atMs: number): Partial<Recording> => ({
  status: 'interrupted',
  interruption: { phase: 'load', atMs },
  samples: steadyLoad({ fromMs: 0, toMs: atMs, ratePerSecond: 10, ok: (t, i) => t < 10_000 || i % 2 === 0 }),
});
const slos = [
  slo({ kind: 'error_rate' }, '<', 0.01, 'baseline'),
  slo({ kind: 'error_rate' }, '<', 0.6, 'fault'),
  slo({ kind: 'throughput' }, '>=', 9, 'whole'),
  slo({ kind: 'time_to_recover' }, '<', 5000, 'recovery'),
];

describe('a run interrupted during the load', () => {
  const result = analyse(recording({ durationMs, windows, ...interruptedAt(15_000) }), scenario(slos));
  const byWindow = (name: string) => result.slos.find((s) => s.window === name)!;

  it('is interrupted, and says where', () => {
    expect(result.verdict).toBe('interrupted');
    expect(result.interruption).toEqual({ phase: 'load', atMs: 15_000 });
    expect(result.reasons[0]).toBe('The run was interrupted during load at 15.0 s of 40.0 s; 3 of 4 SLOs were not judged (window not complete).');
  });

  it('judges an SLO whose window completed before the interruption as usual', () => {
    expect(byWindow('baseline')).toMatchObject({ measured: 0, passed: true });
    expect(byWindow('baseline').coverage).toBeUndefined();
  });

  it('measures a partial window only over what ran, and does not judge it', () => {
    // fault 10–15 s: 50 requests, 25 failed → 50 %, which would pass (< 60 %) — yet not judged.
    expect(byWindow('fault')).toMatchObject({ coverage: 'partial', measured: 0.5, passed: false });
    expect(byWindow('fault').reason).toBe('partial window: only 10.0–15.0 s of 10.0–20.0 s ran');
    // whole 0–15 s: 125 ok over 15 s, not over the 40 s the window would have had.
    expect(byWindow('whole')).toMatchObject({ coverage: 'partial', measured: 125 / 15, passed: false });
    expect(result.windows.find((w) => w.name === 'whole')).toMatchObject({ startMs: 0, endMs: 15_000, requests: 150 });
  });

  it('marks a window that never started as not reached, with nothing measured', () => {
    expect(byWindow('recovery')).toMatchObject({ coverage: 'not-reached', measured: null, margin: null, passed: false });
    expect(byWindow('recovery').reason).toBe('window not reached: the run was interrupted during load at 15.0 s of 40.0 s');
  });

  it('has no per-second series after the interruption', () => {
    expect(result.series).toHaveLength(15);
  });
});

describe('a run interrupted before the load', () => {
  for (const phase of ['start-up', 'warm-up'] as const) {
    it(`reaches no window when interrupted during ${phase}`, () => {
      const result = analyse(recording({ durationMs, windows, status: 'interrupted', interruption: { phase } }), scenario(slos));
      expect(result.verdict).toBe('interrupted');
      expect(result.slos.map((s) => s.coverage)).toEqual(['not-reached', 'not-reached', 'not-reached', 'not-reached']);
      expect(result.reasons[0]).toBe(`The run was interrupted during ${phase}; 4 of 4 SLOs were not judged (window not complete).`);
    });
  }
});

describe('a run interrupted during teardown, after the whole load', () => {
  it('judges every SLO (every window completed) and still says it was interrupted', () => {
    const samples = steadyLoad({ fromMs: 0, toMs: durationMs, ratePerSecond: 10 });
    const result = analyse(recording({ durationMs, windows, samples, status: 'interrupted', interruption: { phase: 'teardown' } }), scenario(slos));
    expect(result.verdict).toBe('interrupted');
    expect(result.slos.every((s) => s.coverage === undefined)).toBe(true);
    expect(result.reasons[0]).toBe('The run was interrupted during teardown.');
  });
});

describe('recording.json and the interruption', () => {
  it('keeps where a run was interrupted, and reads a file without it as not interrupted', () => {
    const interrupted = recording({ durationMs, windows, ...interruptedAt(15_000) });
    expect(decodeRecording(encodeRecording(interrupted), 'r.json').interruption).toEqual({ phase: 'load', atMs: 15_000 });
    const complete = decodeRecording(encodeRecording(recording({ durationMs })), 'r.json');
    expect('interruption' in complete).toBe(false);
  });
});
