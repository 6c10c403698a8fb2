import { afterEach, describe, expect, it } from 'vitest';
import { builtinProfiles } from '../lib/profile/builtin.ts';
import { tripService } from '../trip/app.ts';
import { passengerService } from '../passenger/app.ts';
import { dispatchService } from '../dispatch/app.ts';
import { Cleanup, hang, metricValue, postJson, startService, startStub, testProfile } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const pickup = { lat: 52.52, lng: 13.4 };

describe('trip tells the parties without making the passenger wait', () => {
  it('answers while the notification call is still hanging, and its bulkhead bounds the pile-up', async () => {
    const notification = await startStub(cleanup, hang);
    const passenger = await startService(cleanup, passengerService);
    const dispatch = await startService(cleanup, dispatchService);
    const profile = testProfile({
      extends: 'resilient',
      dependencies: { notification: { timeoutMs: 5000, retry: null, bulkhead: { limit: 1, queue: 1 } } },
    });
    const trip = await startService(cleanup, tripService, {
      profile,
      dependencyUrls: { passenger: passenger.url, dispatch: dispatch.url, notification: notification.url },
    });
    const started = performance.now();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await postJson(`${trip.url}/trips`, { passengerId: `p-${i + 1}`, pickup }));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(answers.every((a) => a.body.status === 'driver_assigned')).toBe(true);
    expect(performance.now() - started).toBeLessThan(4000); // far below the 5 s notification timeout
    const metrics = trip.app.metrics.registry;
    expect(notification.count).toBe(1); // one in flight, one queued, the rest rejected
    expect(await metricValue(metrics, 'bulkhead_active', { dependency: 'notification' })).toBe(1);
    expect(await metricValue(metrics, 'bulkhead_queued', { dependency: 'notification' })).toBe(1);
    expect(await metricValue(metrics, 'bulkhead_rejections_total', { dependency: 'notification' })).toBe(2);
  });

  it('without a bulkhead (naive), every notification piles up on the hanging callee', async () => {
    const notification = await startStub(cleanup, hang);
    const passenger = await startService(cleanup, passengerService);
    const dispatch = await startService(cleanup, dispatchService);
    const trip = await startService(cleanup, tripService, {
      profile: builtinProfiles.naive,
      dependencyUrls: { passenger: passenger.url, dispatch: dispatch.url, notification: notification.url },
    });
    for (let i = 0; i < 4; i++) expect((await postJson(`${trip.url}/trips`, { passengerId: `p-${i + 1}`, pickup })).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notification.count).toBe(4);
  });
});
