import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakerEventLog, epochNowMs } from '../lib/breaker-events.ts';
import { BreakerStateTimer } from '../lib/client/breaker-telemetry.ts';
import { DependencyClient } from '../lib/client/dependency-client.ts';
import { createServiceMetrics } from '../lib/metrics.ts';
import { createRandom } from '../lib/random.ts';
import { passengerService } from '../passenger/app.ts';
import { tripService } from '../trip/app.ts';
import { adminHeaders, Cleanup, getJson, metricValue, postJson, reply, startService, startStub, testProfile } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('the breaker event log', () => {
  it('numbers events from 1 and hands out those after a sequence number, oldest first', () => {
    let now = 1000;
    const log = new BreakerEventLog(10, () => now++);
    log.record('dispatch', 'closed', 'open');
    log.record('dispatch', 'open', 'half_open');
    log.record('passenger', 'closed', 'open');
    expect(log.since(0)).toMatchObject({ capacity: 10, lastSeq: 3, missed: 0 });
    expect(log.since(0).events).toEqual([
      { seq: 1, atEpochMs: 1000, dependency: 'dispatch', from: 'closed', to: 'open' },
      { seq: 2, atEpochMs: 1001, dependency: 'dispatch', from: 'open', to: 'half_open' },
      { seq: 3, atEpochMs: 1002, dependency: 'passenger', from: 'closed', to: 'open' },
    ]);
    expect(log.since(2).events.map((e) => e.seq)).toEqual([3]);
    expect(log.since(3)).toMatchObject({ lastSeq: 3, missed: 0, events: [] });
  });

  it('keeps the newest `capacity` events and tells a late reader how many it missed', () => {
    const log = new BreakerEventLog(3, () => 0);
    for (let i = 0; i < 8; i++) log.record('dispatch', i % 2 ? 'open' : 'closed', i % 2 ? 'closed' : 'open');
    const page = log.since(2);
    expect(page.events.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(page.missed).toBe(3); // 3, 4 and 5 were overwritten
    expect(log.since(5).missed).toBe(0);
  });

  it('stamps events with a high-resolution epoch time', () => {
    const before = Date.now();
    const event = new BreakerEventLog().record('dispatch', 'closed', 'open');
    expect(event.atEpochMs).toBeGreaterThanOrEqual(before - 5);
    expect(event.atEpochMs).toBeLessThanOrEqual(Date.now() + 5);
    expect(Math.abs(epochNowMs() - Date.now())).toBeLessThan(50);
  });
});

describe('time in each breaker state', () => {
  it('adds up the time spent in each state, including the ongoing one', () => {
    let now = 0;
    const timer = new BreakerStateTimer(() => now);
    now = 1000;
    timer.enter('open');
    now = 4000;
    timer.enter('half_open');
    now = 4030;
    timer.enter('open');
    now = 5000;
    expect(timer.secondsIn('closed')).toBe(1);
    expect(timer.secondsIn('open')).toBeCloseTo(3 + 0.97, 9);
    expect(timer.secondsIn('half_open')).toBeCloseTo(0.03, 9);
    expect(timer.secondsIn('isolated')).toBe(0);
  });
});

describe('a breaker reports every transition', () => {
  it('records each transition with its time and counts it by from and to; time in state covers the run', async () => {
    let healthy = false;
    const stub = await startStub(cleanup, (_req, res) => reply(res, healthy ? 200 : 500));
    const metrics = createServiceMetrics({ service: 'test', dependencies: ['stub'], effects: [], processMetrics: false });
    const log = new BreakerEventLog();
    const createdAt = epochNowMs();
    const client = new DependencyClient({
      dependency: 'stub',
      baseUrl: stub.url,
      policy: { breaker: { kind: 'consecutive', threshold: 2, halfOpenAfterMs: 300 } },
      metrics,
      random: createRandom(1),
      breakerEvents: log,
    });
    cleanup.add(() => client.close());
    const call = () => client.request({ method: 'GET', path: '/x' }).catch(() => undefined);

    await call();
    await call(); // opens
    await sleep(400);
    healthy = true;
    await call(); // half-open trial, succeeds: closes
    const events = log.since(0).events;
    expect(events.map((e) => [e.dependency, e.from, e.to])).toEqual([
      ['stub', 'closed', 'open'],
      ['stub', 'open', 'half_open'],
      ['stub', 'half_open', 'closed'],
    ]);
    const [opened, halfOpened, closed] = events.map((e) => e.atEpochMs) as [number, number, number];
    expect(opened).toBeGreaterThanOrEqual(createdAt);
    expect(halfOpened - opened).toBeGreaterThanOrEqual(290); // not before halfOpenAfterMs
    expect(closed).toBeGreaterThanOrEqual(halfOpened);
    expect(closed).toBeLessThanOrEqual(epochNowMs());

    const transitions = (from: string, to: string) => metricValue(metrics.registry, 'circuit_breaker_transitions_total', { from, to });
    expect([await transitions('closed', 'open'), await transitions('open', 'half_open'), await transitions('half_open', 'closed')]).toEqual([1, 1, 1]);
    expect(await transitions('half_open', 'open')).toBe(0);

    const seconds = (state: string) => metricValue(metrics.registry, 'circuit_breaker_state_seconds_total', { state });
    const elapsedS = (epochNowMs() - createdAt) / 1000;
    const open = await seconds('open');
    expect(open).toBeGreaterThanOrEqual((halfOpened - opened) / 1000 - 0.001);
    expect(await seconds('half_open')).toBeGreaterThan(0);
    const total = open + (await seconds('half_open')) + (await seconds('closed'));
    // Every moment since the breaker was built is in exactly one state (scrape-time exact).
    expect(total).toBeLessThanOrEqual(elapsedS + 0.05);
    expect(total).toBeGreaterThan(0.3);
    // A counter: a later read is never lower, and the current state keeps accruing.
    await sleep(50);
    expect(await seconds('closed')).toBeGreaterThan(0);
    expect(await seconds('open')).toBe(open);
  });
});

describe('GET /__faultline/breaker-events', () => {
  const route = (url: string, after?: string) => `${url}/__faultline/breaker-events${after === undefined ? '' : `?after=${after}`}`;

  it('answers the service’s transitions after a sequence number, behind the admin secret', async () => {
    const { url, app } = await startService(cleanup, passengerService);
    app.breakerEvents.record('cache', 'closed', 'open');
    app.breakerEvents.record('cache', 'open', 'half_open');
    expect((await getJson(route(url))).status).toBe(401);
    const all = await getJson(route(url), { headers: adminHeaders });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ instance: app.breakerEvents.instance, capacity: 10_000, lastSeq: 2, missed: 0 });
    expect(all.body.events.map((e: { seq: number; to: string }) => [e.seq, e.to])).toEqual([
      [1, 'open'],
      [2, 'half_open'],
    ]);
    expect((await getJson(route(url, '1'), { headers: adminHeaders })).body.events).toHaveLength(1);
    expect((await getJson(route(url, '2'), { headers: adminHeaders })).body.events).toEqual([]);
    expect((await getJson(route(url, '-1'), { headers: adminHeaders })).status).toBe(400);
    expect((await fetch(route(url), { method: 'DELETE', headers: adminHeaders })).status).toBe(405);
  });

  it('does not exist without a secret', async () => {
    const { url } = await startService(cleanup, passengerService, { adminSecret: undefined });
    expect((await getJson(route(url), { headers: adminHeaders })).status).toBe(404);
  });

  it('holds the transitions of the service’s real breakers', async () => {
    const failing = await startStub(cleanup, (_req, res) => reply(res, 500));
    const profile = testProfile({ dependencies: { default: { breaker: { kind: 'consecutive', threshold: 2, halfOpenAfterMs: 60_000 } } } });
    const dependencyUrls = { passenger: failing.url, dispatch: failing.url, notification: failing.url };
    const { url } = await startService(cleanup, tripService, { profile, dependencyUrls });
    for (let i = 0; i < 3; i++) await postJson(`${url}/trips`, { passengerId: 'p-1', pickup: { lat: 52.52, lng: 13.4 } });
    const { body } = await getJson(route(url), { headers: adminHeaders });
    expect(body.events).toContainEqual(expect.objectContaining({ seq: 1, dependency: 'passenger', from: 'closed', to: 'open' }));
  });
});
