import { afterEach, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../src/broker/embedded.ts';
import { FaultlineError } from '../../src/errors.ts';
import { CompletionObserver } from '../../src/messaging/observer.ts';
import type { CompletionMessage } from '../../src/model/recording.ts';
import { closedPort } from '../load/server.ts';
import { startMosquitto } from '../../src/broker/mosquitto.ts';

/**
 * The harness's subscriber on the completion channel, against the embedded broker and a real
 * Mosquitto: it records every message with its request id and message id — duplicates (a second
 * message for one request) and redeliveries (the same message again) alike — keeps its session
 * across a broker restart, and drains until every accepted id completed or the drain ran out.
 * Counts, not timings, are asserted.
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const setups = {
  embedded: async () => {
    const broker = await EmbeddedBroker.start();
    cleanups.push(() => broker.close());
    return { url: broker.url, bounce: async () => (await broker.crash({ keepState: true }), await broker.restart()) };
  },
  mosquitto: async () => {
    const server = await startMosquitto();
    cleanups.push(() => server.stop());
    // A clean shutdown saves the sessions (persistence), as a broker restart keeping state.
    return { url: server.url, bounce: async () => (await server.halt('SIGTERM'), await server.restart()) };
  },
};

const envelope = (messageId: string, tripId: string) =>
  JSON.stringify({ id: messageId, type: 'driver.assigned', occurredAt: new Date().toISOString(), payload: { tripId } });

async function publisher(url: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId: `test-publisher-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 100 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

const origin = performance.now();
const elapsedMs = () => performance.now() - origin;

async function observe(url: string, clientId = `observer-${Math.random().toString(36).slice(2)}`, onMessage?: (message: CompletionMessage) => void) {
  const observer = await CompletionObserver.start({
    url,
    channel: 'driver.assigned',
    completionId: '/payload/tripId',
    messageId: '/id',
    clientId,
    elapsedMs,
    onMessage,
  });
  cleanups.push(() => observer.close());
  return observer;
}

describe.each(Object.keys(setups) as Array<keyof typeof setups>)('the async observer (%s)', (name) => {
  it('records every message with its ids and time, duplicates and redeliveries included; drains when all completed', { timeout: 30_000 }, async () => {
    const broker = await setups[name]();
    const heard: CompletionMessage[] = [];
    const observer = await observe(broker.url, undefined, (message) => heard.push(message));
    const startedAtMs = elapsedMs();
    const client = await publisher(broker.url);
    const send = (payload: string) => client.publishAsync('driver.assigned', payload, { qos: 1 });
    await send(envelope('m1', 't-1'));
    await send(envelope('m2', 't-2'));
    await send(envelope('m2b', 't-2')); // a second driver for t-2: a duplicate side effect
    await send(envelope('m3', 't-3'));
    await send(envelope('m3', 't-3')); // the same message again: a redelivery
    await send('not json');
    await send(JSON.stringify({ id: 'm9', payload: {} })); // no trip id
    await client.publishAsync('trip.created', envelope('m5', 't-5'), { qos: 1 }); // another channel
    const end = await observer.drain({ accepted: ['t-1', 't-2', 't-3'], untilMs: elapsedMs() + 15_000, quietMs: 1_000 });
    expect(end).toBe('all-completed');
    const seen = observer.completions();
    expect(seen.map((c) => `${c.id}/${c.messageId}`).sort()).toEqual(['t-1/m1', 't-2/m2', 't-2/m2b', 't-3/m3', 't-3/m3']);
    expect(observer.unreadable).toBe(2);
    // Each readable message is also announced as it arrives (the live exposition's feed).
    expect(heard).toEqual(seen);
    for (const completion of seen) expect(completion.atMs).toBeGreaterThanOrEqual(startedAtMs);
    expect(observer.disconnections()).toEqual([]);
  });

  it('stops at the end of the drain with an id still missing, and at once on a signal', { timeout: 30_000 }, async () => {
    const broker = await setups[name]();
    const observer = await observe(broker.url);
    const client = await publisher(broker.url);
    await client.publishAsync('driver.assigned', envelope('m1', 't-1'), { qos: 1 });
    expect(await observer.drain({ accepted: ['t-1', 't-2'], untilMs: elapsedMs() + 500, quietMs: 100 })).toBe('drain-elapsed');
    const stop = new AbortController();
    const drained = observer.drain({ accepted: ['t-2'], untilMs: elapsedMs() + 60_000, quietMs: 100, signal: stop.signal });
    stop.abort();
    expect(await drained).toBe('interrupted');
    expect(observer.completions().map((c) => c.id)).toEqual(['t-1']);
  });

  // Mosquitto used to lose the session here now and then: started as root it could not write its
  // persistence (harness/src/broker/mosquitto.ts names the user now), and the test passed only
  // when the observer happened to be back before the publish.
  it('keeps its session across a broker restart: a message published before it reconnected still arrives', { timeout: 40_000 }, async () => {
    const broker = await setups[name]();
    const observer = await observe(broker.url);
    await broker.bounce();
    // A fresh publisher, connected right after the restart, likely before the observer is back.
    const client = await publisher(broker.url);
    await client.publishAsync('driver.assigned', envelope('m1', 't-1'), { qos: 1 });
    expect(await observer.drain({ accepted: ['t-1'], untilMs: elapsedMs() + 15_000, quietMs: 100 })).toBe('all-completed');
    expect(observer.completions().map((c) => c.messageId)).toEqual(['m1']);
    const [outage] = observer.disconnections();
    expect(observer.disconnections()).toHaveLength(1);
    expect(outage!.toMs).toBeGreaterThanOrEqual(outage!.fromMs);
  });

  it('is back after a broker restart: a message published once it reconnected arrives, the outage is recorded', { timeout: 40_000 }, async () => {
    const broker = await setups[name]();
    const observer = await observe(broker.url);
    await broker.bounce();
    const deadline = performance.now() + 15_000;
    while (!observer.connected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(observer.connected).toBe(true);
    // Its SUBSCRIBE again (a broker that lost the session) is in flight right after CONNACK.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = await publisher(broker.url);
    await client.publishAsync('driver.assigned', envelope('m2', 't-2'), { qos: 1 });
    expect(await observer.drain({ accepted: ['t-2'], untilMs: elapsedMs() + 15_000, quietMs: 100 })).toBe('all-completed');
    expect(observer.disconnections()).toHaveLength(1);
  });

  it('ends its session on close: the same client id then starts with nothing queued', { timeout: 30_000 }, async () => {
    const broker = await setups[name]();
    const clientId = `observer-close-${name}`;
    const first = await observe(broker.url, clientId);
    await first.close();
    const client = await publisher(broker.url);
    await client.publishAsync('driver.assigned', envelope('m1', 't-1'), { qos: 1 });
    const second = await observe(broker.url, clientId);
    expect(await second.drain({ accepted: ['t-1'], untilMs: elapsedMs() + 700, quietMs: 100 })).toBe('drain-elapsed');
    expect(second.completions()).toEqual([]);
  });
});

describe('an observer without a broker', () => {
  it('fails to start with FL_ENVIRONMENT (no run should count every completion lost)', { timeout: 20_000 }, async () => {
    const port = await closedPort();
    const error = await CompletionObserver.start({
      url: `mqtt://127.0.0.1:${port}`,
      channel: 'driver.assigned',
      completionId: '/payload/tripId',
      messageId: '/id',
      clientId: 'nobody',
      elapsedMs,
      connectTimeoutMs: 800,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultlineError);
    expect((error as FaultlineError).code).toBe('FL_ENVIRONMENT');
    expect((error as Error).message).toContain('could not connect to the broker');
  });
});
