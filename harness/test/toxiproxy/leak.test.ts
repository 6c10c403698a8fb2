import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startToxiproxy } from '../../src/toxiproxy/index.ts';
import { addToxic, createProxy, echoServer, eventually, metricValue } from './helpers.ts';

const connections = 5000;
const concurrency = 50;

function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** One short echo exchange through the proxy, then a clean close. */
function exchange(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('connect', () => socket.write('ping'));
    let got = 0;
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= 4) socket.end();
    });
    socket.once('close', () => resolve());
  });
}

describe('no leak', () => {
  it(`leaves no socket, timer or link behind after ${connections} connections`, async () => {
    const upstream = await echoServer();
    const baselineSockets = openSockets();
    const baselineTimers = timers();
    const server = await startToxiproxy({ port: 0, seed: 1 });
    try {
      const { port } = await createProxy(server.url, 'p', upstream);
      // Half the run through a toxic chain (stage timers), half on the fast path.
      await addToxic(server.url, 'p', { type: 'latency', stream: 'upstream', attributes: { latency: 1 } });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < connections) {
          const i = next++;
          if (i === connections / 2) await fetch(`${server.url}/proxies/p/toxics/latency_upstream`, { method: 'DELETE' });
          await exchange(port);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      expect(await metricValue(server.url, 'toxiproxy_proxy_connections_total', { proxy: 'p' })).toBe(connections);
      await eventually(async () => (await metricValue(server.url, 'toxiproxy_proxy_connections_active', { proxy: 'p' })) === 0);
      expect(await metricValue(server.url, 'toxiproxy_proxy_sent_bytes_total', { proxy: 'p', direction: 'downstream' })).toBe(connections * 4);
    } finally {
      await server.close();
    }
    await eventually(() => openSockets() <= baselineSockets && timers() <= baselineTimers);
  });
});
