import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../src/broker/embedded.ts';
import { startMosquitto } from '../../src/broker/mosquitto.ts';
import { readBrokerVersion } from '../../src/messaging/broker-version.ts';
import { freePort } from '../../src/util/free-port.ts';

/**
 * What a broker says it is, for the run's environment: Mosquitto answers on $SYS/broker/version;
 * aedes says nothing there, a closed port cannot answer, and a signal stops the wait. Each time
 * the answer comes within its bound and no connection is left open.
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Client ids connected to the embedded broker now (aedes keeps them by id). */
const connected = (broker: EmbeddedBroker) => broker.snapshot().connectedClients;

describe('readBrokerVersion', () => {
  it("reads Mosquitto's version from $SYS/broker/version", { timeout: 20_000 }, async () => {
    const server = await startMosquitto();
    cleanups.push(() => server.stop());
    expect(await readBrokerVersion({ url: server.url, clientId: 'faultline-version-test' })).toMatch(/^mosquitto version \d+\.\d+\.\d+$/);
  });

  it('gives up after its timeout on a broker that says nothing, and leaves no connection', async () => {
    const broker = await EmbeddedBroker.start();
    cleanups.push(() => broker.close());
    const started = performance.now();
    expect(await readBrokerVersion({ url: broker.url, clientId: 'faultline-version-test', timeoutMs: 300 })).toBeUndefined();
    // 300 ms asked; a generous bound for a busy machine.
    expect(performance.now() - started).toBeLessThan(3000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connected(broker)).toBe(0);
  });

  it('answers undefined at once for a port where nothing listens, or when the run is stopped', async () => {
    const port = await freePort();
    expect(await readBrokerVersion({ url: `mqtt://127.0.0.1:${port}`, clientId: 'faultline-version-test', timeoutMs: 5000 })).toBeUndefined();
    const broker = await EmbeddedBroker.start();
    cleanups.push(() => broker.close());
    const stop = new AbortController();
    const started = performance.now();
    const read = readBrokerVersion({ url: broker.url, clientId: 'faultline-version-test', timeoutMs: 10_000, signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    expect(await read).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
