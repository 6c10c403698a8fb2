import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchService } from '../dispatch/app.ts';
import { builtinProfiles } from '../lib/profile/builtin.ts';
import type { Profile } from '../lib/profile/schema.ts';
import { Cleanup, metricValue, postJson, startService } from './helpers.ts';
import { startTaxiApp } from './taxi.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const pickup = { lat: 52.52, lng: 13.4 };

/**
 * An HTTP forwarder that loses the first response: the request reaches the callee and is
 * processed, then the connection to the caller is cut before the answer arrives.
 */
async function responseLosingProxy(target: string): Promise<string> {
  let forwarded = 0;
  const server = createServer((req, res) => {
    const n = ++forwarded;
    const upstream = httpRequest(target + req.url, { method: req.method, headers: req.headers }, (answer) => {
      if (n === 1) {
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('idempotency where retries meet side effects', () => {
  it('dispatch assigns one driver per Idempotency-Key, however often the key is repeated', async () => {
    const { url, app } = await startService(cleanup, dispatchService);
    const body = { tripId: 't-1', pickup };
    const answers = await Promise.all([1, 2, 3].map(() => postJson(`${url}/dispatch`, body, { 'idempotency-key': 'k-1' })));
    expect(new Set(answers.map((a) => a.body.driverId)).size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(await metricValue(app.metrics.registry, 'side_effects_total', { effect: 'driver_assigned' })).toBe(1);
    expect(await metricValue(app.metrics.registry, 'side_effect_duplicates_total', { effect: 'driver_assigned' })).toBe(0);
  });

  it('dispatch counts a second assignment for the same trip without a key as a duplicate', async () => {
    const { url, app } = await startService(cleanup, dispatchService);
    const first = await postJson(`${url}/dispatch`, { tripId: 't-2', pickup });
    const second = await postJson(`${url}/dispatch`, { tripId: 't-2', pickup });
    expect(second.body.driverId).not.toBe(first.body.driverId);
    expect(await metricValue(app.metrics.registry, 'side_effect_duplicates_total', { effect: 'driver_assigned' })).toBe(1);
  });

  const tripThroughLossyDispatch = async (profile: Profile) => {
    const taxi = await startTaxiApp(cleanup, profile, (callee, url) => (callee === 'dispatch' ? responseLosingProxy(url) : url));
    const created = await postJson(`${taxi.gateway.url}/trips`, { passengerId: 'p-1', pickup });
    const dispatch = taxi.dispatch.app.metrics.registry;
    return {
      created,
      assigned: await metricValue(dispatch, 'side_effects_total', { effect: 'driver_assigned' }),
      duplicates: await metricValue(dispatch, 'side_effect_duplicates_total', { effect: 'driver_assigned' }),
    };
  };

  it('with the naive `retries` profile, a lost dispatch response assigns a second driver (the bug is visible)', async () => {
    const { created, assigned, duplicates } = await tripThroughLossyDispatch(builtinProfiles.retries);
    expect(created.status).toBe(201);
    expect(assigned).toBe(2);
    expect(duplicates).toBe(1);
  });

  it('with the resilient profile, the retried dispatch carries its key and no second driver is assigned', async () => {
    const { created, assigned, duplicates } = await tripThroughLossyDispatch(builtinProfiles.resilient);
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('driver_assigned');
    expect(assigned).toBe(1);
    expect(duplicates).toBe(0);
  });
});
