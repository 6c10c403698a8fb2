import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { AsyncApiContracts } from './asyncapi.ts';
import { builtinProfiles } from '../../../services/lib/profile/builtin.ts';
import type { Profile } from '../../../services/lib/profile/schema.ts';
import { Cleanup, metricValue, postJson } from '../../../services/test/helpers.ts';
import type { ServiceApp } from '../../../services/lib/server/service.ts';
import { startAsyncTaxi as startAsyncTaxiApp } from '../support/async-taxi.ts';

/**
 * The taxi app's asynchronous half with a real (embedded) broker, services in this process:
 * trip announces `trip.created`, dispatch assigns and publishes `driver.assigned`, trip and
 * notification consume it. Then the same through a broker outage, where the profiles differ.
 */
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function startAsyncTaxi(profile: Profile) {
  const app = await startAsyncTaxiApp(cleanup, profile);
  const { broker } = app;
  // Every message on every channel, as it travelled: the contract test reads them.
  const wiretap: Array<{ channel: string; message: unknown }> = [];
  const tap = mqtt.connect(broker.url, { clientId: `wiretap-${process.pid}-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 100 });
  tap.on('error', () => undefined);
  tap.on('message', (channel, payload) => wiretap.push({ channel, message: JSON.parse(payload.toString('utf8')) as unknown }));
  cleanup.add(() => tap.endAsync(true));
  await tap.subscribeAsync('#', { qos: 1 });
  return { ...app, wiretap };
}

const requestTrip = (gatewayUrl: string, i: number) =>
  postJson(`${gatewayUrl}/trips`, { passengerId: `p-${(i % 100) + 1}`, pickup: { lat: 52.52, lng: 13.4 } });

async function driversOf(gatewayUrl: string, ids: readonly string[]): Promise<Map<string, string | undefined>> {
  const drivers = new Map<string, string | undefined>();
  for (const id of ids) {
    const response = await fetch(`${gatewayUrl}/trips/${id}`);
    const trip = (await response.json()) as { driverId?: string };
    drivers.set(id, trip.driverId);
  }
  return drivers;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('the asynchronous taxi app', () => {
  it('a trip gets its driver by message; notification tells both parties; nothing twice', { timeout: 60_000 }, async () => {
    const app = await startAsyncTaxi(builtinProfiles.resilient);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await requestTrip(app.gateway.url, i);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body.status).toBe('awaiting_driver');
      ids.push(response.body.id as string);
    }
    const assigned = await until(async () => [...(await driversOf(app.gateway.url, ids)).values()].every(Boolean), 15_000);
    expect(assigned).toBe(true);
    const registry = (s: { app: ServiceApp }) => s.app.metrics.registry;
    expect(await metricValue(registry(app.dispatch), 'side_effects_total', { effect: 'driver_assigned' })).toBe(20);
    await until(async () => (await metricValue(registry(app.notification), 'side_effects_total', { effect: 'notification_sent' })) === 40, 10_000);
    expect(await metricValue(registry(app.notification), 'side_effects_total', { effect: 'notification_sent' })).toBe(40);
    expect(await metricValue(registry(app.dispatch), 'side_effect_duplicates_total')).toBe(0);
    expect(await metricValue(registry(app.trip), 'messages_published_total', { channel: 'trip.created', mode: 'confirmed' })).toBe(20);
    expect(await metricValue(registry(app.trip), 'outbox_pending')).toBe(0);
    expect(await metricValue(registry(app.dispatch), 'messages_delivered_total', { channel: 'trip.created' })).toBe(20);

    // API-first: every message the services published honours its channel's AsyncAPI contract.
    const services = join(import.meta.dirname, '..', '..', '..', 'services');
    const contracts = new AsyncApiContracts(['trip', 'dispatch', 'notification'].map((name) => join(services, name, 'asyncapi.yaml')));
    expect(contracts.channels.sort()).toEqual(['dead-letter', 'driver.assigned', 'trip.created']);
    expect(app.wiretap.filter((m) => m.channel === 'trip.created')).toHaveLength(20);
    expect(app.wiretap.filter((m) => m.channel === 'driver.assigned')).toHaveLength(20);
    expect(app.wiretap.flatMap((m) => contracts.check(m.channel, m.message))).toEqual([]);
    // The contract can fail: a message missing its driver does not pass.
    const assignedMessage = app.wiretap.find((m) => m.channel === 'driver.assigned')!.message as { payload: Record<string, unknown> };
    expect(contracts.check('driver.assigned', { ...assignedMessage, payload: { ...assignedMessage.payload, driverId: undefined } })).not.toEqual([]);
  });

  it.each([
    ['resilient', 0],
    ['naive', 1],
  ] as const)(
    'through a broker outage, the %s profile leaves trips without a driver: %s (0 = none, 1 = some)',
    { timeout: 90_000 },
    async (name, expectLost) => {
      const app = await startAsyncTaxi(builtinProfiles[name]);
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        if (i === 20) await app.broker.crash();
        if (i === 40) await app.broker.restart();
        const response = await requestTrip(app.gateway.url, i);
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        ids.push(response.body.id as string);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Long enough for the outbox's backoff (≤ 2 s) and the reconnects (250 ms) to play out.
      await until(async () => [...(await driversOf(app.gateway.url, ids)).values()].every(Boolean), 12_000);
      const drivers = await driversOf(app.gateway.url, ids);
      const without = ids.filter((id) => !drivers.get(id));
      if (expectLost === 0) expect(without).toEqual([]);
      else expect(without.length).toBeGreaterThanOrEqual(10);
    },
  );
});
