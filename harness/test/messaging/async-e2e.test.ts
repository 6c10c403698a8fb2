import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/index.ts';
import { CompletionObserver } from '../../src/messaging/observer.ts';
import type { AsyncObservations } from '../../src/model/recording.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { parseSlo } from '../../src/scenario/slo-grammar.ts';
import type { LoadSpec, SloSpec } from '../../src/scenario/model.ts';
import { builtinProfiles } from '../../../services/lib/profile/builtin.ts';
import { Cleanup } from '../../../services/test/helpers.ts';
import { builtinWindows, recording, scenario } from '../fixtures/builders.ts';
import { startAsyncTaxi } from '../support/async-taxi.ts';

/**
 * End to end: the built-in load generator books trips on the async taxi app (the id of each
 * accepted trip read from its 201 body), the observer watches `driver.assigned` on the broker,
 * and analysis matches the two. With the broker crashing mid-load, naive (fire-and-forget)
 * loses trips and resilient (outbox) loses none: the discrimination the async SLOs exist for.
 * Bounds are generous (2 noisy cores); the assertions are about counts.
 */
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const LOAD_MS = 6_000;
const FAULT = { atMs: 2_000, untilMs: 4_000 };
const DRAIN_MS = 15_000;

const booking: LoadSpec = {
  target: 'gateway',
  method: 'POST',
  path: '/trips',
  headers: {},
  body: { passengerId: 'p-{{cycle:100}}', pickup: { lat: 52.52, lng: 13.4 } },
  stages: [{ durationMs: LOAD_MS, fromRate: 10, toRate: 10 }],
  maxInFlight: 50,
  timeoutMs: 5_000,
};

const slo = (expression: string, window = 'whole'): SloSpec => ({ name: expression, expression, window, ...parseSlo(expression) });

async function bookTrips(profile: keyof typeof builtinProfiles, crashBroker: boolean) {
  const app = await startAsyncTaxi(cleanup, builtinProfiles[profile]);
  const originMs = performance.now() + 300;
  const elapsedMs = () => performance.now() - originMs;
  const observer = await CompletionObserver.start({
    url: app.broker.url,
    channel: 'driver.assigned',
    completionId: '/payload/tripId',
    messageId: '/id',
    clientId: `faultline-observer-e2e-${profile}`,
    elapsedMs,
  });
  cleanup.add(() => observer.close());
  const timers: NodeJS.Timeout[] = [];
  if (crashBroker) {
    timers.push(setTimeout(() => void app.broker.crash(), originMs + FAULT.atMs - performance.now()));
    timers.push(setTimeout(() => void app.broker.restart(), originMs + FAULT.untilMs - performance.now()));
  }
  const load = await runLoad({ baseUrl: app.gateway.url, spec: booking, seed: 1, originMs, now: () => performance.now(), acceptedId: '/id' });
  for (const timer of timers) clearTimeout(timer);
  await app.broker.restart(); // in case the load outran the timer
  const stopped = await observer.drain({ accepted: load.accepted.map((a) => a.id), untilMs: LOAD_MS + DRAIN_MS, quietMs: 1_000 });
  const observed: AsyncObservations = {
    channel: 'driver.assigned',
    requestId: '/id',
    completionId: '/payload/tripId',
    messageId: '/id',
    drainMs: DRAIN_MS,
    accepted: load.accepted,
    acceptedWithoutId: load.acceptedWithoutId,
    completions: observer.completions(),
    unreadable: observer.unreadable,
    observedUntilMs: elapsedMs(),
    stopped,
    disconnections: observer.disconnections(),
  };
  const slos = [slo('async_completion_rate >= 100%'), slo('messages_lost == 0'), slo('async_duplicates == 0'), slo('async_latency_p(99) < 10s')];
  const rec = recording({ durationMs: LOAD_MS, samples: load.samples, windows: builtinWindows(LOAD_MS, FAULT.atMs, FAULT.untilMs), async: observed });
  return { load, observed, result: analyse(rec, scenario(slos)) };
}

const measured = (result: ReturnType<typeof analyse>, expression: string) => result.slos.find((s) => s.expression === expression)!;

describe('async outcomes measured end to end on the taxi app', () => {
  it('every accepted trip gets its driver: completion 100 %, nothing lost, latency > 0', { timeout: 90_000 }, async () => {
    const { load, observed, result } = await bookTrips('resilient', false);
    expect(load.samples.filter((s) => s.ok).length).toBeGreaterThanOrEqual(50);
    expect(load.acceptedWithoutId).toBe(0);
    expect(observed.accepted).toHaveLength(load.samples.filter((s) => s.ok).length);
    expect(observed.stopped).toBe('all-completed');
    expect(measured(result, 'async_completion_rate >= 100%')).toMatchObject({ measured: 1, passed: true });
    expect(measured(result, 'messages_lost == 0')).toMatchObject({ measured: 0, passed: true });
    expect(measured(result, 'async_duplicates == 0')).toMatchObject({ measured: 0, passed: true });
    const p99 = measured(result, 'async_latency_p(99) < 10s');
    expect(p99.measured).toBeGreaterThan(0);
    expect(p99.passed).toBe(true);
    const whole = result.async!.windows.find((w) => w.name === 'whole')!;
    expect(whole.accepted).toBe(whole.completed);
    expect(whole.latency.p50).toBeGreaterThan(0);
  });

  it.each(['naive', 'resilient'] as const)('through a broker crash mid-load, %s: naive loses trips, resilient none', { timeout: 120_000 }, async (profile) => {
    const { observed, result } = await bookTrips(profile, true);
    expect(observed.accepted.length).toBeGreaterThanOrEqual(40);
    const lost = measured(result, 'messages_lost == 0').measured!;
    const whole = result.async!.windows.find((w) => w.name === 'whole')!;
    expect(whole.accepted).toBe(whole.completed + whole.lost + whole.pending);
    if (profile === 'naive') {
      expect(lost).toBeGreaterThan(0);
      expect(measured(result, 'async_completion_rate >= 100%').passed).toBe(false);
    } else {
      expect(lost).toBe(0);
      expect(measured(result, 'async_completion_rate >= 100%').passed).toBe(true);
    }
  });
});
