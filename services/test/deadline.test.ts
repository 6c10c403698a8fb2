import { afterEach, describe, expect, it } from 'vitest';
import { dispatchService } from '../dispatch/app.ts';
import { DEADLINE_HEADER } from '../lib/deadline.ts';
import { builtinProfiles } from '../lib/profile/builtin.ts';
import { adminHeaders, Cleanup, makeClient, metricValue, postJson, reply, startService, startStub } from './helpers.ts';
import { Deadline } from '../lib/deadline.ts';
import { DependencyError } from '../lib/client/errors.ts';
import { startTaxiApp } from './taxi.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const pickup = { lat: 52.52, lng: 13.4 };

describe('deadline propagation', () => {
  it('sends the remaining budget in x-request-deadline-ms', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 200));
    const { client } = makeClient(cleanup, stub.url, {});
    await client.request({ method: 'GET', path: '/x', deadline: new Deadline(800) });
    const sent = Number(stub.headers[0]![DEADLINE_HEADER]);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(800);
  });

  it('caps each attempt at the remaining budget, even when the profile’s timeout is longer', async () => {
    const stub = await startStub(cleanup, () => undefined);
    const { client } = makeClient(cleanup, stub.url, { timeoutMs: 5000 });
    const started = performance.now();
    const error = await client.request({ method: 'GET', path: '/x', deadline: new Deadline(150) }).catch((e: unknown) => e);
    expect((error as DependencyError).outcome).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('keeps the reserve back from the budget, so the fallback answers while the caller still waits', async () => {
    const stub = await startStub(cleanup, () => undefined);
    const { client } = makeClient(cleanup, stub.url, { timeoutMs: 5000, fallback: true }, { deadlineReserveMs: 300 });
    const deadline = new Deadline(600);
    const answer = await client.request({ method: 'GET', path: '/x', deadline, fallback: () => ({ status: 200, body: 'cached' }) });
    expect(answer).toMatchObject({ outcome: 'timeout', fallback: true });
    // The attempt was cut at about 600 − 300 ms: the caller's budget is not yet spent.
    expect(deadline.remainingMs()).toBeGreaterThan(0);
    expect(Number(stub.headers[0]![DEADLINE_HEADER])).toBeLessThanOrEqual(300);
  });

  it('makes no call at all once the budget is spent', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 200));
    const { client, metrics } = makeClient(cleanup, stub.url, {});
    const expired = new Deadline(0);
    await expect(client.request({ method: 'GET', path: '/x', deadline: expired })).rejects.toBeInstanceOf(DependencyError);
    expect(stub.count).toBe(0);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { outcome: 'timeout' })).toBe(1);
    // Not a call with no attempt: a call never sent.
    expect(await metricValue(metrics.registry, 'dependency_calls_unsent_total', { outcome: 'timeout' })).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_calls_total')).toBe(0);
    expect(await metricValue(metrics.registry, 'dependency_attempts_total')).toBe(0);
  });

  it('a callee stops work past the deadline: a slowed dispatch assigns no driver for a caller that gave up', async () => {
    const { url, app } = await startService(cleanup, dispatchService);
    expect(
      (await fetch(`${url}/__faultline/fault`, { method: 'PUT', headers: adminHeaders, body: JSON.stringify({ status: 0, rate: 1, delayMs: 300 }) })).status,
    ).toBe(200);
    const answer = await postJson(`${url}/dispatch`, { tripId: 't-9', pickup }, { [DEADLINE_HEADER]: '100' });
    expect(answer.status).toBe(504);
    expect(answer.body.error).toBe('deadline_exceeded');
    expect(await metricValue(app.metrics.registry, 'side_effects_total', { effect: 'driver_assigned' })).toBe(0);
  });

  it('trip does not call dispatch when the passenger lookup used up the budget', async () => {
    const taxi = await startTaxiApp(cleanup, builtinProfiles.resilient);
    expect(
      (
        await fetch(`${taxi.passenger.url}/__faultline/fault`, {
          method: 'PUT',
          headers: adminHeaders,
          body: JSON.stringify({ status: 0, rate: 1, delayMs: 400 }),
        })
      ).status,
    ).toBe(200);
    const answer = await postJson(`${taxi.trip.url}/trips`, { passengerId: 'p-1', pickup }, { [DEADLINE_HEADER]: '200' });
    expect(answer.status).toBe(504);
    const trip = taxi.trip.app.metrics.registry;
    expect(await metricValue(trip, 'dependency_calls_total', { dependency: 'dispatch' })).toBe(0);
    expect(await metricValue(taxi.dispatch.app.metrics.registry, 'http_server_request_duration_seconds')).toBe(0);
  });
});
