import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bringUp, type Stack } from '../../src/run/stack.ts';
import { taxiAsyncTopology, taxiTopology } from '../../src/topology/taxi.ts';
import { sampleValue } from '../../../services/test/helpers.ts';
import { refused } from '../support/ports.ts';

/**
 * The asynchronous taxi app brought up by the runner: the embedded broker first, every broker
 * link a proxy, each service given the proxies of the links it opens, and the broker's own
 * address for the harness (Stack.brokerUrl). Trips get their drivers through those proxies.
 */
const stacks: Stack[] = [];
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.teardown();
});

/** The environment a service process was started with (Linux). */
function envOf(stack: Stack, name: string): Record<string, string> {
  const pid = stack.service(name)!.pid;
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('the broker in the stack (taxi-async)', () => {
  it('gives each service the proxies of its broker links, the harness the broker itself; trips get drivers through them', { timeout: 60_000 }, async () => {
    const stack = await bringUp({ topology: taxiAsyncTopology(), profile: 'resilient', seed: 5 });
    stacks.push(stack);

    const brokerUrl = stack.brokerUrl();
    expect(brokerUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const brokerPort = Number(new URL(brokerUrl!).port);
    expect(stack.serviceUrl('broker')).toBe(brokerUrl);

    // Publishing links (x -> broker) and consuming links (broker -> x) all forward to the broker.
    const brokerLinks = ['trip_to_broker', 'dispatch_to_broker', 'notification_to_broker', 'broker_to_trip', 'broker_to_dispatch', 'broker_to_notification'];
    for (const name of brokerLinks) expect(stack.proxy(name).upstream, name).toBe(`127.0.0.1:${brokerPort}`);
    const viaProxy = (name: string) => `mqtt://127.0.0.1:${stack.proxy(name).listen.split(':').at(-1)}`;
    expect(new Set(brokerLinks.map(viaProxy)).size).toBe(brokerLinks.length);

    for (const name of ['trip', 'dispatch', 'notification']) {
      const env = envOf(stack, name);
      expect(env['BROKER_URL'], name).toBe(viaProxy(`${name}_to_broker`));
      expect(env['BROKER_SUBSCRIBE_URL'], name).toBe(viaProxy(`broker_to_${name}`));
      // Durable messaging state in a folder of this run (a relaunched consumer resumes it).
      expect(env['FAULTLINE_STATE_DIR'], name).toMatch(/faultline-state-/);
    }
    // Trip announces trips by message instead of calling dispatch and notification.
    expect(envOf(stack, 'trip')['DISPATCH_URL']).toBeUndefined();
    expect(envOf(stack, 'trip')['PASSENGER_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const name of ['gateway', 'passenger']) expect(envOf(stack, name)['BROKER_URL'], name).toBeUndefined();

    // Both connections of each messaging service are up through their proxies (then give the
    // consumers' SUBSCRIBE a moment to be acknowledged, as after any CONNACK).
    const connected = async (name: string) => {
      const text = await (await fetch(`${stack.serviceUrl(name)}/metrics`)).text();
      return ['publisher', 'consumer'].every((role) => sampleValue(text, 'broker_connected', { role, service: name }) === 1);
    };
    for (const name of ['trip', 'dispatch', 'notification']) expect(await until(() => connected(name), 15_000), name).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const gateway = stack.serviceUrl('gateway');
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const response = await fetch(`${gateway}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ passengerId: `p-${i}`, pickup: { lat: 52.52, lng: 13.4 } }),
      });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { id: string }).id);
    }
    const driverOf = async (id: string) => ((await (await fetch(`${gateway}/trips/${id}`)).json()) as { driverId?: string }).driverId;
    expect(await until(async () => (await Promise.all(ids.map(driverOf))).every(Boolean), 20_000)).toBe(true);

    const stateDir = envOf(stack, 'trip')['FAULTLINE_STATE_DIR']!;
    expect(existsSync(stateDir)).toBe(true);
    expect(await stack.teardown()).toEqual([]);
    expect(await refused(brokerPort)).toBe(true);
    expect(existsSync(stateDir)).toBe(false);
  });

  it('has no broker address on a topology without a broker', { timeout: 30_000 }, async () => {
    const stack = await bringUp({ topology: taxiTopology(), profile: 'resilient', seed: 5 });
    stacks.push(stack);
    expect(stack.brokerUrl()).toBeUndefined();
    expect(envOf(stack, 'trip')['FAULTLINE_STATE_DIR'] ?? '').not.toMatch(/faultline-state-/);
  });
});
