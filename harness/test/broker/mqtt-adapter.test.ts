import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../src/broker/embedded.ts';
import { mqttAdapter } from '../../../services/lib/messaging/mqtt.ts';
import { newEnvelope, type Envelope } from '../../../services/lib/messaging/envelope.ts';
import type { Consumer, Delivery, Publisher } from '../../../services/lib/messaging/bus.ts';
import { startMosquitto, type MosquittoServer } from '../../src/broker/mosquitto.ts';

/**
 * The broker port's MQTT adapter against both brokers faultline supports: the embedded aedes
 * broker and a real Mosquitto. Each property is what a messaging policy relies on.
 */
interface BrokerUnderTest {
  url: string;
  /** The broker goes down, keeping its durable state; then comes back on the same address. */
  crash(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const brokers: Record<string, () => Promise<BrokerUnderTest>> = {
  embedded: async () => {
    const broker = await EmbeddedBroker.start();
    return { url: broker.url, crash: () => broker.crash(), restart: () => broker.restart(), stop: () => broker.close() };
  },
  mosquitto: async () => {
    const server: MosquittoServer = await startMosquitto();
    // SIGTERM: Mosquitto saves its state as a broker restarted by its supervisor would.
    return { url: server.url, crash: () => server.halt('SIGTERM'), restart: () => server.restart(), stop: () => server.stop() };
  },
};

const until = async (condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

let sequence = 0;
const clientId = (role: string) => `test-${role}-${process.pid}-${++sequence}`;

describe.each(Object.keys(brokers))('MQTT adapter with the %s broker', (name) => {
  let broker: BrokerUnderTest;
  const open: Array<Publisher | Consumer> = [];
  const publisher = () => {
    const p = mqttAdapter.connectPublisher({ url: broker.url, clientId: clientId('pub') });
    open.push(p);
    return p;
  };
  const consumer = (options: { id?: string; durable?: boolean; ackAfterProcessing?: boolean; handle: (d: Delivery) => Promise<void> }) => {
    const c = mqttAdapter.connectConsumer({
      url: broker.url,
      clientId: options.id ?? clientId('sub'),
      channels: ['trip.created'],
      durable: options.durable ?? true,
      ackAfterProcessing: options.ackAfterProcessing ?? true,
      handle: options.handle,
    });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await brokers[name]!();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close({ abandon: true })));
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('delivers a confirmed publish to a durable consumer, envelope intact', async () => {
    const received: Delivery[] = [];
    const c = consumer({ handle: async (d) => void received.push(d) });
    await until(() => c.connected, 10_000, 'consumer connected');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the SUBSCRIBE is acknowledged after CONNACK
    const p = publisher();
    const sent = newEnvelope('trip.created', { tripId: 't-1' });
    await p.publish('trip.created', sent, { confirmed: true, timeoutMs: 5_000 });
    await until(() => received.length === 1, 10_000, 'delivery');
    expect(received[0]!.envelope).toEqual(sent);
    expect(received[0]!.redelivered).toBe(false);
  });

  it('keeps messages for a durable consumer while it is away, and loses them for a non-durable one', async () => {
    const durableId = clientId('durable');
    const plainId = clientId('plain');
    // Subscribe once so the broker knows the sessions, then leave.
    for (const [id, durable] of [
      [durableId, true],
      [plainId, false],
    ] as const) {
      const c = consumer({ id, durable, handle: async () => undefined });
      await until(() => c.connected, 10_000, 'first connection');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await c.close();
    }
    const p = publisher();
    const sent: Envelope[] = [];
    for (let i = 0; i < 5; i++) {
      const envelope = newEnvelope('trip.created', { tripId: `away-${i}` });
      sent.push(envelope);
      await p.publish('trip.created', envelope, { confirmed: true });
    }
    const durable: string[] = [];
    const plain: string[] = [];
    consumer({ id: durableId, durable: true, handle: async (d) => void durable.push(d.envelope.id) });
    const back = consumer({ id: plainId, durable: false, handle: async (d) => void plain.push(d.envelope.id) });
    await until(() => durable.length === 5, 10_000, 'queued messages');
    await until(() => back.connected, 10_000, 'plain reconnect');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(durable).toEqual(sent.map((e) => e.id));
    expect(plain).toEqual([]);
  });

  it('sends a message again after a consumer dies mid-message when it acknowledges after processing, not when it acknowledged on receipt', async () => {
    for (const ackAfterProcessing of [true, false]) {
      const id = clientId(ackAfterProcessing ? 'ack-after' : 'ack-before');
      const stuck: Delivery[] = [];
      const first = consumer({ id, ackAfterProcessing, handle: (d) => (stuck.push(d), new Promise<void>(() => undefined)) });
      await until(() => first.connected, 10_000, 'consumer connected');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const envelope = newEnvelope('trip.created', { tripId: `crash-${ackAfterProcessing}` });
      await publisher().publish('trip.created', envelope, { confirmed: true });
      await until(() => stuck.length === 1, 10_000, 'first delivery');
      if (!ackAfterProcessing) await new Promise((resolve) => setTimeout(resolve, 200)); // the PUBACK on its way
      await first.close({ abandon: true });
      const again: Delivery[] = [];
      const second = consumer({ id, ackAfterProcessing, handle: async (d) => void again.push(d) });
      await until(() => second.connected, 10_000, 'consumer reconnected');
      if (ackAfterProcessing) {
        await until(() => again.length === 1, 10_000, 'redelivery');
        expect(again[0]!.envelope.id).toBe(envelope.id);
        // Mosquitto marks it (MQTT's DUP flag); aedes resends queued session messages without
        // it, so consumers count duplicates by envelope id, never by the flag alone.
        if (name === 'mosquitto') expect(again[0]!.redelivered).toBe(true);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(again).toEqual([]);
      }
    }
  });

  it('a confirmed publish while the broker is down times out; the broker back, delivery resumes', async () => {
    const received: string[] = [];
    const c = consumer({ handle: async (d) => void received.push(d.envelope.id) });
    await until(() => c.connected, 10_000, 'consumer connected');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const p = publisher();
    await until(() => p.connected, 10_000, 'publisher connected');
    await broker.crash();
    try {
      await until(() => !p.connected && !c.connected, 10_000, 'clients to notice the outage');
      const lost = newEnvelope('trip.created', { tripId: 'during-outage' });
      await expect(p.publish('trip.created', lost, { confirmed: true, timeoutMs: 300 })).rejects.toMatchObject({ code: 'PUBLISH_TIMEOUT' });
      // Fire-and-forget during the outage: handed over, and gone.
      await p.publish('trip.created', newEnvelope('trip.created', { tripId: 'fire-and-forget' }), { confirmed: false });
    } finally {
      await broker.restart();
    }
    await until(() => p.connected && c.connected, 15_000, 'reconnect after restart');
    const after = newEnvelope('trip.created', { tripId: 'after' });
    await p.publish('trip.created', after, { confirmed: true, timeoutMs: 5_000 });
    await until(() => received.includes(after.id), 10_000, 'delivery after restart');
    expect(received.filter((id) => id === after.id)).toHaveLength(1);
  });
});
