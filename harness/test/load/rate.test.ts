import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/index.ts';
import type { LiveSecond } from '../../src/load/index.ts';
import { loadSpec, startServer } from './server.ts';
import type { TestServer } from './server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the open-model load generator', () => {
  it('sends at the target rate whatever the responses do, and reports each second', async () => {
    server = await startServer((_request, response) => response.end('ok'));
    const seconds: LiveSecond[] = [];
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(200, 3000), onSecond: (s) => seconds.push(s) });

    expect(outcome.aborted).toBe(false);
    expect(outcome.dropped).toEqual([]);
    expect(outcome.samples).toHaveLength(600);
    expect(outcome.samples.every((s) => s.ok && s.status === 200)).toBe(true);
    const scheduled = outcome.samples.map((s) => s.scheduledMs).sort((a, b) => a - b);
    scheduled.forEach((t, n) => expect(t).toBeCloseTo(n * 5, 6));
    for (let second = 0; second < 3; second++) {
      const sentInSecond = outcome.samples.filter((s) => s.sentMs >= second * 1000 && s.sentMs < (second + 1) * 1000).length;
      expect(sentInSecond).toBeGreaterThan(170);
      expect(sentInSecond).toBeLessThan(230);
    }
    for (const sample of outcome.samples) {
      expect(sample.sentMs).toBeGreaterThanOrEqual(sample.scheduledMs);
      expect(sample.endMs).toBeGreaterThan(sample.sentMs);
    }

    expect(seconds.map((s) => s.t)).toEqual([0, 1000, 2000]);
    expect(seconds.map((s) => s.scheduled)).toEqual([200, 200, 200]);
    expect(seconds.reduce((sum, s) => sum + s.sent, 0)).toBe(600);
    expect(seconds.every((s) => s.errors === 0 && s.dropped === 0 && s.p99Ms >= s.p50Ms)).toBe(true);
    // Each second carries the latency of every response it completed (for the Prometheus
    // histogram), the very latencies of the samples, measured from the scheduled time.
    for (const s of seconds) expect(s.latenciesMs.length).toBe(s.ok + s.errors);
    const carried = seconds.flatMap((s) => [...s.latenciesMs]);
    expect(carried.length).toBeGreaterThan(590);
    const sampleLatencies = new Set(outcome.samples.map((s) => s.endMs - s.scheduledMs));
    expect(carried.every((ms) => sampleLatencies.has(ms))).toBe(true);
    expect(outcome.histogram.fromScheduled.count).toBe(600);
    expect(outcome.histogram.fromScheduled.p99).toBeGreaterThanOrEqual(outcome.histogram.fromSent.p99);
  });

  it('follows a ramp', async () => {
    server = await startServer((_request, response) => response.end('ok'));
    const spec = loadSpec(0, 0, { stages: [{ durationMs: 2000, fromRate: 0, toRate: 300 }] });
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec });
    expect(outcome.samples).toHaveLength(300); // ½ · 300/s · 2 s
    const firstHalf = outcome.samples.filter((s) => s.sentMs < 1000).length;
    expect(firstHalf).toBeGreaterThan(50); // a quarter of them: 75
    expect(firstHalf).toBeLessThan(100);
  });

  it('drops arrivals when maxInFlight requests are in flight, never sending more', async () => {
    server = await startServer(() => {}); // never answers
    const seconds: LiveSecond[] = [];
    const spec = loadSpec(100, 1000, { maxInFlight: 5, timeoutMs: 1500 });
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec, onSecond: (s) => seconds.push(s) });

    expect(outcome.samples).toHaveLength(5);
    expect(outcome.samples.every((s) => s.error === 'timeout')).toBe(true);
    expect(outcome.dropped).toHaveLength(95);
    expect(outcome.dropped[0]).toBeCloseTo(50, 6);
    expect(server.maxConcurrent).toBeLessThanOrEqual(5);
    expect(seconds).toHaveLength(1);
    expect(seconds[0]).toMatchObject({ scheduled: 100, sent: 5, dropped: 95, inFlight: 5 });
  });

  it('measures from the scheduled time a stall that delays sending, which latency from the send misses', async () => {
    // The server shares the generator's event loop: one request blocks it for 300 ms, so the
    // arrivals due meanwhile go out late in one batch (coordinated omission, corrected).
    let requests = 0;
    server = await startServer((_request, response) => {
      if (++requests === 100) {
        const until = performance.now() + 300;
        while (performance.now() < until);
      }
      response.end('ok');
    });
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(200, 2000) });

    expect(outcome.samples).toHaveLength(400);
    const late = outcome.samples.filter((s) => s.sentMs - s.scheduledMs > 150);
    expect(late.length).toBeGreaterThan(20); // ~60 arrivals fall in the stall
    expect(outcome.histogram.fromScheduled.max).toBeGreaterThan(250);
    expect(outcome.histogram.fromScheduled.p90).toBeGreaterThan(50);
    expect(outcome.histogram.fromSent.p90).toBeLessThan(outcome.histogram.fromScheduled.p90 / 2);
  });

  it('starts the schedule at originMs', async () => {
    server = await startServer((_request, response) => response.end('ok'));
    const originMs = performance.now() + 300;
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(20, 500), originMs });
    expect(outcome.samples).toHaveLength(10);
    const firstSentAt = Math.min(...outcome.samples.map((s) => s.sentMs));
    expect(firstSentAt).toBeGreaterThanOrEqual(0);
    expect(firstSentAt).toBeLessThan(100);
  });
});
