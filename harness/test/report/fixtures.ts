import type { FaultRecord } from '../../src/model/recording.ts';
import type { BreakerSpan, ChannelSeries, DependencyPoint, MessagingSecond, RunResult, SecondStats, SloVerdict, WindowStats } from '../../src/model/result.ts';

/**
 * HAND-BUILT, on purpose. Exact-output tests need round numbers whose rendering is known in
 * advance (an error rate of 5.32 %, a breaker open from 11 s, a fault from 10 s to 20 s of 30 s)
 * and variants a real run cannot easily produce: an inconclusive run, a run interrupted, a fault
 * never applied or never removed, strings to escape, no dependency series. Reporters must not
 * depend on analysis, so this is not analysed from a recording. For realistic content (jittery
 * fault times, several faults, n/a values, no breaker under naive) the reporter tests use runs
 * saved from real runs: savedResult() of ../fixtures/recordings.ts.
 *
 * The run: dispatch-outage under `resilient`, 30 s of load at 20 req/s, a latency toxic on
 * rides -> dispatch from 10 s to 20 s during which the breaker opens (10.8 s; the scrapes see it
 * at 11 s), tries half-open for 30 ms (13.8 s), goes half-open again (16.8 s; scraped from 15 s)
 * and closes (21 s), retries amplify calls ×1.5 during the fault. One SLO is missed.
 */
export function buildRunResult(overrides: Partial<RunResult> = {}): RunResult {
  const durationMs = 30_000;
  const inFault = (t: number) => t >= 10_000 && t < 20_000;
  const series: SecondStats[] = Array.from({ length: 30 }, (_, i) => {
    const t = i * 1000;
    return { t, requests: 20, errors: inFault(t) ? 3 : 0, dropped: t === 10_000 ? 2 : 0, p50: inFault(t) ? 180 : 12, p99: inFault(t) ? 640 : 35 };
  });
  return {
    schemaVersion: 1,
    runId: 'r-20261126-0510-ab12',
    scenario: {
      name: 'dispatch-outage',
      description: 'Dispatch answers slowly for 10 seconds.',
      hypothesis: 'Rides keeps p99 under 800 ms because the breaker opens and the fallback answers.',
      file: 'scenarios/dispatch-outage.yaml',
    },
    profile: 'resilient',
    seed: 42,
    timeScale: 1,
    startedAt: '2026-11-26T05:10:00.000Z',
    durationMs,
    status: 'completed',
    verdict: 'fail',
    reasons: [],
    windows: [
      window('whole', 0, 30_000, { requests: 600, errors: 30, dropped: 2, p99: 612 }),
      window('baseline', 0, 10_000, { requests: 200, errors: 0, dropped: 0, p99: 35 }),
      window('fault', 10_000, 20_000, { requests: 200, errors: 30, dropped: 2, p99: 640 }),
      window('recovery', 20_000, 30_000, { requests: 200, errors: 0, dropped: 0, p99: 36 }),
    ],
    series,
    dependencySeries: dependencySeries(),
    breakerSpans: breakerSpans(),
    faults: [{ id: 'f1', kind: 'toxic', target: 'rides -> dispatch', appliedAtMs: 10_000, removedAtMs: 20_000, connectionsAffected: 4, requestsAffected: 212 }],
    slos: [
      slo({
        name: 'p99 under fault',
        expression: 'p(99) < 800ms',
        window: 'fault',
        measured: 640,
        op: '<',
        threshold: 800,
        unit: 'ms',
        passed: true,
        margin: 160,
        detail: 'p(99) was 640 ms, threshold < 800 ms (160 ms to spare)',
      }),
      slo({
        name: 'error rate',
        expression: 'error_rate < 1%',
        window: 'whole',
        measured: 0.0532,
        op: '<',
        threshold: 0.01,
        unit: 'ratio',
        passed: false,
        margin: -0.0432,
        detail: 'error rate was 5.32 %, threshold < 1.00 % (4.32 % over)',
      }),
      slo({
        name: 'breaker opens fast',
        expression: 'breaker_time_to_open < 2s',
        window: 'fault',
        measured: 1000,
        op: '<',
        threshold: 2000,
        unit: 'ms',
        passed: true,
        margin: 1000,
        detail: 'breaker opened after 1000 ms, threshold < 2000 ms (1000 ms to spare)',
      }),
      slo({
        name: 'throughput holds',
        expression: 'throughput >= 15/s',
        window: 'fault',
        measured: 17,
        op: '>=',
        threshold: 15,
        unit: 'req/s',
        passed: true,
        margin: 2,
        detail: 'throughput was 17 req/s, threshold >= 15 req/s (2 req/s to spare)',
      }),
    ],
    environment: { faultlineVersion: '0.1.0', node: 'v20.20.0', toxiproxy: 'embedded', platform: 'linux x64', cpus: 2 },
    ...overrides,
  };
}

/** Every SLO met. */
export function passingResult(overrides: Partial<RunResult> = {}): RunResult {
  const base = buildRunResult();
  return buildRunResult({
    verdict: 'pass',
    slos: base.slos.map((s) =>
      s.passed ? s : { ...s, measured: 0.004, passed: true, margin: 0.006, detail: 'error rate was 0.40 %, threshold < 1.00 % (0.60 % to spare)' },
    ),
    ...overrides,
  });
}

/** The fault touched no traffic: inconclusive, whatever the SLOs say. */
export function inconclusiveResult(overrides: Partial<RunResult> = {}): RunResult {
  const fault: FaultRecord = {
    id: 'f1',
    kind: 'toxic',
    target: 'rides -> dispatch',
    appliedAtMs: 10_000,
    removedAtMs: 20_000,
    connectionsAffected: 0,
    requestsAffected: 0,
  };
  return passingResult({
    verdict: 'inconclusive',
    reasons: ['fault f1 (toxic rides -> dispatch) touched no traffic: 0 connections, 0 requests'],
    faults: [fault],
    ...overrides,
  });
}

function window(name: string, startMs: number, endMs: number, v: { requests: number; errors: number; dropped: number; p99: number }): WindowStats {
  const seconds = (endMs - startMs) / 1000;
  return {
    name,
    startMs,
    endMs,
    requests: v.requests,
    ok: v.requests - v.errors,
    errors: v.errors,
    errorsByKind: v.errors > 0 ? { timeout: v.errors - 5, status: 5 } : {},
    dropped: v.dropped,
    throughput: (v.requests - v.errors) / seconds,
    latency: { p50: v.p99 / 4, p90: v.p99 / 2, p95: v.p99 * 0.8, p99: v.p99, max: v.p99 * 1.5, mean: v.p99 / 3 },
  };
}

function slo(v: SloVerdict): SloVerdict {
  return v;
}

/** rides -> dispatch's breaker, as its transitions were recorded: open at 10.8 s, a 30 ms
 * half-open trial at 13.8 s that failed, half-open again at 16.8 s until it closed at 21 s. */
function breakerSpans(): BreakerSpan[] {
  const span = (state: string, fromMs: number, toMs: number): BreakerSpan => ({
    service: 'rides',
    dependency: 'dispatch',
    state,
    fromMs,
    toMs,
    source: 'events',
  });
  return [
    span('closed', 0, 10_800),
    span('open', 10_800, 13_800),
    span('half_open', 13_800, 13_830),
    span('open', 13_830, 16_800),
    span('half_open', 16_800, 21_000),
    span('closed', 21_000, 30_000),
  ];
}

/** One scrape per second: rides -> dispatch has a breaker, rides -> pricing does not. */
function dependencySeries(): DependencyPoint[] {
  const points: DependencyPoint[] = [];
  let calls = 0;
  let attempts = 0;
  for (let t = 0; t < 30_000; t += 1000) {
    const breakerState = t >= 11_000 && t < 15_000 ? 1 : t >= 15_000 && t < 21_000 ? 2 : 0;
    calls += 20;
    attempts += t >= 10_000 && t < 20_000 ? 30 : 20;
    points.push({ t, service: 'rides', dependency: 'dispatch', breakerState, calls, attempts, timeouts: 0, rejections: 0, shortCircuits: 0, fallbacks: 0 });
    points.push({ t, service: 'rides', dependency: 'pricing', calls, attempts: calls, timeouts: 0, rejections: 0, shortCircuits: 0, fallbacks: 0 });
  }
  return points;
}

/**
 * The same run on an app with a broker and an async: block, hand-built so every point drawn is
 * known: trip.created published 10/s throughout; dispatch's deliveries stop while the fault is
 * on (10–20 s) and catch up at 30/s from 20 to 25 s, with 2 redeliveries/s from 20 to 22 s; no
 * scrape covered second 5 (null: a gap). driver.assigned follows deliveries of trip.created, and
 * is delivered to two consumers. dead-letter carried nothing. Async latency: 200/400 ms (p50/p99)
 * but for the requests scheduled in the fault, which completed only after it (no completion
 * scheduled at 19 s: a gap).
 */
export function messagingResult(overrides: Partial<RunResult> = {}): RunResult {
  const seconds = Array.from({ length: 30 }, (_, i) => i * 1000);
  const inFault = (t: number) => t >= 10_000 && t < 20_000;
  const catchUp = (t: number) => t >= 20_000 && t < 25_000;
  const tripDelivered = (t: number) => (t === 5000 ? null : inFault(t) ? 0 : catchUp(t) ? 30 : 10);
  const channel = (name: string, point: (t: number) => Omit<MessagingSecond, 't'>): ChannelSeries => ({
    channel: name,
    seconds: seconds.map((t) => ({ t, ...point(t) })),
  });
  const base = buildRunResult();
  return buildRunResult({
    messaging: [
      channel('dead-letter', () => ({ published: 0, delivered: null, redelivered: null, duplicates: null })),
      channel('driver.assigned', (t) => {
        const rate = tripDelivered(t);
        return { published: rate, delivered: rate === null ? null : 2 * rate, redelivered: null, duplicates: null };
      }),
      channel('trip.created', (t) => ({
        published: t === 5000 ? null : 10,
        delivered: tripDelivered(t),
        redelivered: t === 5000 ? null : t >= 20_000 && t < 22_000 ? 2 : 0,
        duplicates: t === 5000 ? null : 0,
      })),
    ],
    async: {
      channel: 'driver.assigned',
      stopped: 'all-completed',
      observedUntilMs: 30_000,
      acceptedWithoutId: 0,
      unreadable: 0,
      unmatched: 0,
      disconnections: [],
      windows: base.windows.map((w) => ({
        name: w.name,
        accepted: w.requests - w.errors,
        completed: w.requests - w.errors,
        lost: 0,
        pending: 0,
        duplicates: 0,
        redeliveries: 0,
        latency: { p50: 200, p90: 300, p95: 350, p99: 400, max: 450, mean: 210 },
      })),
      series: seconds.map((t) => ({ t, accepted: 20, completed: inFault(t) ? 0 : catchUp(t) ? 60 : 20, backlog: 0 })),
      latencySeries: seconds.map((t) =>
        t === 19_000
          ? { t, completed: 0, p50: null, p99: null }
          : inFault(t)
            ? { t, completed: 20, p50: 20_000 - t, p99: 20_500 - t }
            : { t, completed: 20, p50: 200, p99: 400 },
      ),
    },
    environment: { ...base.environment, broker: { service: 'broker', protocol: 'mqtt', source: 'embedded', software: 'aedes 1.2.0' } },
    ...overrides,
  });
}
