import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../src/broker/embedded.ts';
import { mqttAdapter } from '../../../services/lib/messaging/mqtt.ts';
import { newEnvelope } from '../../../services/lib/messaging/envelope.ts';
import { Outbox } from '../../../services/lib/messaging/outbox.ts';
import { createRandom } from '../../../services/lib/random.ts';
import { startMosquitto } from '../../src/broker/mosquitto.ts';

/**
 * What the publish policies are for, on a real broker going down mid-stream: the outbox loses
 * nothing (every id delivered at least once), fire-and-forget loses what was sent during the
 * outage. Counts, not timings, are asserted.
 */
const until = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

const setups = {
  embedded: async () => {
    const broker = await EmbeddedBroker.start();
    stops.push(() => broker.close());
    return { url: broker.url, crash: () => broker.crash(), restart: () => broker.restart() };
  },
  mosquitto: async () => {
    const server = await startMosquitto();
    stops.push(() => server.stop());
    return { url: server.url, crash: () => server.halt('SIGTERM'), restart: () => server.restart() };
  },
};

describe.each(Object.keys(setups) as Array<keyof typeof setups>)('a broker outage mid-stream (%s)', (name) => {
  it('the outbox delivers every message; fire-and-forget loses the ones sent during the outage', async () => {
    const broker = await setups[name]();
    const delivered = { outbox: new Set<string>(), fireAndForget: new Set<string>() };
    const consumer = mqttAdapter.connectConsumer({
      url: broker.url,
      clientId: `outage-consumer-${name}-${process.pid}`,
      channels: ['outbox', 'fire-and-forget'],
      durable: true,
      ackAfterProcessing: true,
      handle: async ({ channel, envelope }) => void (channel === 'outbox' ? delivered.outbox : delivered.fireAndForget).add(envelope.id),
    });
    const publisher = mqttAdapter.connectPublisher({ url: broker.url, clientId: `outage-publisher-${name}-${process.pid}` });
    const outbox = new Outbox({ publisher, publishTimeoutMs: 500, maxInFlight: 16, backoff: { baseMs: 50, maxMs: 400 }, random: createRandom(3) });
    outbox.start();
    try {
      await until(() => consumer.connected && publisher.connected, 10_000, 'connections');
      await new Promise((resolve) => setTimeout(resolve, 150));
      const sent = { outbox: [] as string[], fireAndForget: [] as string[] };
      let outageSends = 0;
      let down = false;
      for (let i = 0; i < 150; i++) {
        if (i === 50) {
          await broker.crash();
          down = true;
        }
        if (i === 100) {
          await broker.restart();
          down = false;
        }
        if (down) outageSends++;
        const a = newEnvelope('test', { i });
        outbox.add('outbox', a);
        sent.outbox.push(a.id);
        const b = newEnvelope('test', { i });
        await publisher.publish('fire-and-forget', b, { confirmed: false });
        sent.fireAndForget.push(b.id);
        await new Promise((resolve) => setTimeout(resolve, 8));
      }
      await until(() => outbox.pending === 0, 30_000, 'outbox drained');
      await until(() => sent.outbox.every((id) => delivered.outbox.has(id)), 15_000, 'every outbox message delivered').catch((error: Error) => {
        // Which messages, by when they were sent (0–49 before the outage, 50–99 during, 100–149
        // after), tells a lost subscription from a lost queue from a lost in-flight message.
        const missing = sent.outbox.flatMap((id, i) => (delivered.outbox.has(id) ? [] : [i]));
        throw new Error(`${error.message} (${name}): ${missing.length} never arrived, sent at i = ${missing.join(', ')}`);
      });
      // Give fire-and-forget the same chance to arrive before counting its losses.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const lost = sent.fireAndForget.filter((id) => !delivered.fireAndForget.has(id)).length;
      expect(outageSends).toBe(50);
      expect(lost).toBeGreaterThanOrEqual(outageSends * 0.5);
      expect(lost).toBeLessThan(sent.fireAndForget.length);
    } finally {
      await outbox.stop();
      await Promise.all([publisher.close(), consumer.close()]);
    }
  });
});
