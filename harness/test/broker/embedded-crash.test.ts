import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../src/broker/embedded.ts';
import { startMosquitto } from '../../src/broker/mosquitto.ts';

/**
 * What `broker-crash`'s `keepState` means on the embedded broker, seen by a client: a durable
 * subscriber (persistent session) that is away while a QoS 1 message is published gets it after
 * the crash and restart when the broker kept its state, and does not when it lost it — the
 * difference between a broker with persistence and one without.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const clientId = () => `embedded-crash-${process.pid}-${Math.random().toString(36).slice(2)}`;

async function connect(url: string, id: string, clean: boolean): Promise<MqttClient> {
  const client = mqtt.connect(url, { clientId: id, clean, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 });
  client.on('error', () => undefined);
  cleanups.push(() => client.endAsync(true));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
  return client;
}

/** Messages on `topic` the durable subscriber receives within `waitMs` of reconnecting. */
async function queuedFor(url: string, id: string, waitMs: number): Promise<string[]> {
  const got: string[] = [];
  const client = mqtt.connect(url, { clientId: id, clean: false, protocolVersion: 4, reconnectPeriod: 0, manualConnect: true });
  client.on('error', () => undefined);
  client.on('message', (_topic, payload) => got.push(payload.toString('utf8')));
  cleanups.push(() => client.endAsync(true));
  client.connect();
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return got;
}

describe('broker-crash on the embedded broker', () => {
  it.each([
    [true, ['queued while away']],
    [false, []],
  ] as const)('keepState %s: a durable subscriber away during the crash gets %j after the restart', { timeout: 30_000 }, async (keepState, expected) => {
    const broker = await EmbeddedBroker.start();
    cleanups.push(() => broker.close());
    const id = clientId();
    const subscriber = await connect(broker.url, id, false);
    await subscriber.subscribeAsync('trip.created', { qos: 1 });
    await subscriber.endAsync();
    const publisher = await connect(broker.url, clientId(), true);
    await publisher.publishAsync('trip.created', 'queued while away', { qos: 1 });
    await publisher.endAsync(true);

    await broker.crash({ keepState });
    await broker.restart();

    // Generous: a queued message arrives right after CONNACK; none arriving is what `false` means.
    expect(await queuedFor(broker.url, id, 1500)).toEqual(expected);
  });
});

// The same promise from the Mosquitto the tests and benches start (harness/src/broker/mosquitto.ts):
// stopped cleanly (SIGTERM), it saves its sessions and a restart keeps them. Run as root, it would
// drop to the user `mosquitto` and fail to write its folder unless the launcher names the user.
describe('a Mosquitto from the launcher, stopped cleanly and started again', () => {
  it('keeps a durable subscriber’s queued message', { timeout: 30_000 }, async () => {
    const server = await startMosquitto();
    cleanups.push(() => server.stop());
    const id = clientId();
    const subscriber = await connect(server.url, id, false);
    await subscriber.subscribeAsync('trip.created', { qos: 1 });
    await subscriber.endAsync();
    const publisher = await connect(server.url, clientId(), true);
    await publisher.publishAsync('trip.created', 'queued while away', { qos: 1 });
    await publisher.endAsync(true);

    await server.halt('SIGTERM');
    await server.restart();

    expect(await queuedFor(server.url, id, 1500)).toEqual(['queued while away']);
  });
});
