import { describe, expect, it } from 'vitest';
import type { MeasureResult } from '../../bench/broker-client.ts';
import { latencyVerdict, stepSustained, summarise } from '../../bench/broker-report.ts';

/** What the broker benchmark reads from its measurements, on measurements made up here. */
function measured(fromScheduledMs: number[], parts: Partial<MeasureResult> = {}): MeasureResult {
  return {
    id: 1,
    scheduled: fromScheduledMs.length,
    sent: fromScheduledMs.length,
    dropped: 0,
    failed: 0,
    received: fromScheduledMs.length,
    duplicates: 0,
    fromScheduledMs,
    fromSentMs: fromScheduledMs.map((ms) => ms - 1),
    sendLagMaxMs: 1,
    ...parts,
  };
}

/** 1, 2, … n ms. */
const ramp = (n: number, plus = 0) => Array.from({ length: n }, (_, i) => i + 1 + plus);

describe('the broker benchmark’s reading', () => {
  it('pools the rounds in one histogram, and keeps each round’s p99', () => {
    // 100 messages of 1..100 ms and 100 of 101..200 ms: pooled p50 = 100, p99 = 198 (to the
    // histogram's 3 significant digits); the rounds' own p99s are 99 and 199.
    const summary = summarise([measured(ramp(100)), measured(ramp(100, 100), { sent: 101, sendLagMaxMs: 7 })]);
    expect(summary.sent).toBe(201);
    expect(summary.lost).toBe(1);
    expect(summary.p50Ms).toBeCloseTo(100, 0);
    expect(summary.p99Ms).toBeCloseTo(198, 0);
    expect(summary.maxMs).toBeCloseTo(200, 0);
    expect(summary.p99FromSentMs).toBeCloseTo(197, 0);
    expect(summary.roundP99Ms.map(Math.round)).toEqual([99, 199]);
    expect(summary.sendLagMaxMs).toBe(7);
  });

  it('meets the target when the embedded p99 is at most 5 ms over Mosquitto’s and nothing was lost', () => {
    const mosquitto = summarise([measured(ramp(100))]);
    expect(latencyVerdict(summarise([measured(ramp(100, 4))]), mosquitto)).toMatchObject({ met: true });
    expect(latencyVerdict(summarise([measured(ramp(100, 7))]), mosquitto)).toMatchObject({ met: false });
    expect(latencyVerdict(summarise([measured(ramp(100, 7))]), mosquitto).addedP99Ms).toBeCloseTo(7, 0);
    // Faster but lossy is not met.
    expect(latencyVerdict(summarise([measured(ramp(100), { sent: 101 })]), mosquitto)).toMatchObject({ met: false });
  });

  it('calls a ladder step sustained only with nothing dropped, failed or lost, and p99 within the bound', () => {
    expect(stepSustained(measured(ramp(100)), 150)).toEqual({ sustained: true });
    expect(stepSustained(measured(ramp(100)), 50)).toEqual({ sustained: false, why: expect.stringMatching(/^p99 99\.\d+ ms > 50 ms$/) as string });
    expect(stepSustained(measured(ramp(100), { dropped: 3 }), 150)).toEqual({ sustained: false, why: '3 arrivals dropped (in-flight cap)' });
    expect(stepSustained(measured(ramp(100), { failed: 2 }), 150)).toEqual({ sustained: false, why: '2 publishes not acknowledged' });
    expect(stepSustained(measured(ramp(100), { sent: 104 }), 150)).toEqual({ sustained: false, why: '4 messages not received' });
  });
});
