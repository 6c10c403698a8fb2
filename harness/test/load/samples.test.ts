import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/load/latency.ts';
import { ERROR_CODE, SampleLog } from '../../src/load/samples.ts';

describe('the sample log', () => {
  it('grows past its first capacity and gives back every sample in order, with its error kind', () => {
    const log = new SampleLog(1);
    for (let i = 0; i < 100; i++) log.push(i * 10, i * 10 + 1, i * 10 + 5, i % 2 === 0 ? 200 : 503, i % 2 === 0 ? 0 : ERROR_CODE.status);
    const samples = log.toSamples();
    expect(samples).toHaveLength(100);
    expect(samples[0]).toEqual({ scheduledMs: 0, sentMs: 1, endMs: 5, status: 200, ok: true });
    expect(samples[99]).toEqual({ scheduledMs: 990, sentMs: 991, endMs: 995, status: 503, ok: false, error: 'status' });
    expect('error' in samples[0]!).toBe(false);
  });

  it('records latency from the scheduled time and from the send into histograms', () => {
    const log = new SampleLog(10);
    log.push(0, 40, 50, 200, 0); // 50 ms from scheduled, 10 ms from sent
    log.push(100, 100, 102, 0, ERROR_CODE.reset);
    const fromScheduled = new LatencyHistogram();
    const fromSent = new LatencyHistogram();
    log.recordFromScheduled(fromScheduled);
    log.recordFromSent(fromSent);
    expect(fromScheduled.summary()).toMatchObject({ count: 2, max: expect.closeTo(50, 1) });
    expect(fromSent.summary()).toMatchObject({ count: 2, max: expect.closeTo(10, 1) });
    expect(fromScheduled.percentileMs(50)).toBeCloseTo(2, 1);
  });

  it('summarises an empty histogram as zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  });
});
