import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addToxic, api, client, createProxy, echoServer, eventually, metricValue, onCleanup, receiveAll, receiveBytes, sleep, toxiproxy } from './helpers.ts';
import { startToxiproxy } from '../../src/toxiproxy/index.ts';

// Toxiproxy's own regression cases, in our words.
describe('Toxiproxy regression cases', () => {
  it('a timeout toxic holding data does not hang the API', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'timeout', attributes: { timeout: 0 } });
    const socket = await client(port);
    socket.write('held');
    await sleep(50);
    const started = performance.now();
    await addToxic(url, 'p', { type: 'latency', stream: 'upstream' });
    expect((await api(url, 'GET', '/proxies/p')).status).toBe(200);
    expect((await api(url, 'PATCH', '/proxies/p/toxics/timeout_downstream', { toxicity: 1 })).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('removing a timeout toxic closes the connections it held', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'timeout', attributes: { timeout: 0 } });
    const socket = await client(port);
    const received = receiveAll(socket);
    socket.write('held');
    await sleep(100);
    await api(url, 'DELETE', '/proxies/p/toxics/timeout_downstream');
    const { data, elapsedMs } = await received;
    expect(data.length).toBe(0);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('removing a toxic from a broken connection is safe', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'latency', attributes: { latency: 300 } });
    const socket = await client(port);
    socket.write('in flight');
    await sleep(20);
    socket.resetAndDestroy();
    expect((await api(url, 'DELETE', '/proxies/p/toxics/latency_downstream')).status).toBe(204);
    const again = await client(port);
    again.write('ok');
    expect((await receiveBytes(again, 2)).data.toString()).toBe('ok');
  });

  it('reports a proxy port conflict, on create and on update (saving the values, disabled)', async () => {
    const { url } = await toxiproxy();
    const upstream = await echoServer();
    const first = await createProxy(url, 'a', upstream);
    const clash = await api(url, 'POST', '/proxies', { name: 'b', listen: first.listen, upstream });
    expect(clash.status).toBe(500);
    expect(clash.json().error).toBe(`listen tcp ${first.listen}: bind: address already in use`);
    await createProxy(url, 'c', upstream);
    const moved = await api(url, 'PATCH', '/proxies/c', { listen: first.listen });
    expect(moved.status).toBe(500);
    expect((await api(url, 'GET', '/proxies/c')).json()).toMatchObject({ listen: first.listen, enabled: false });
  });

  it('closing a proxy twice is safe, and so is closing the server twice', async () => {
    const server = await startToxiproxy({ port: 0 });
    const { url } = server;
    await createProxy(url, 'p', await echoServer());
    expect((await api(url, 'PATCH', '/proxies/p', { enabled: false })).status).toBe(200);
    expect((await api(url, 'PATCH', '/proxies/p', { enabled: false })).status).toBe(200);
    expect((await api(url, 'DELETE', '/proxies/p')).status).toBe(204);
    expect((await api(url, 'DELETE', '/proxies/p')).status).toBe(404);
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });

  it('closes a dialled client at once when the upstream refuses', async () => {
    const { url } = await toxiproxy();
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const deadPort = (blocker.address() as AddressInfo).port;
    await new Promise((r) => blocker.close(r));
    const { port } = await createProxy(url, 'p', `127.0.0.1:${deadPort}`);
    const received = await receiveAll(await client(port));
    expect(received.data.length).toBe(0);
    expect(received.elapsedMs).toBeLessThan(2000);
  });

  it('accepts an unresolvable upstream, as Toxiproxy does, and closes each client at once', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', 'no-such-host.invalid:80');
    const received = await receiveAll(await client(port));
    expect(received.data.length).toBe(0);
    expect(received.elapsedMs).toBeLessThan(5000);
    expect((await api(url, 'GET', '/version')).status).toBe(200);
  });

  it('keeps per-toxic counters after the toxic is removed, until /reset', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { name: 'slow', type: 'latency', attributes: { latency: 10 } });
    const socket = await client(port);
    socket.write('x');
    await receiveBytes(socket, 1);
    await api(url, 'DELETE', '/proxies/p/toxics/slow');
    const labels = { proxy: 'p', toxic: 'slow' };
    expect(await metricValue(url, 'toxiproxy_toxic_applied_connections_total', labels)).toBe(1);
    await api(url, 'POST', '/reset');
    expect(await metricValue(url, 'toxiproxy_toxic_applied_connections_total', labels)).toBeUndefined();
  });

  it('counts bytes live, per direction, while the connection is open', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    const socket = await client(port);
    socket.write('12345');
    await receiveBytes(socket, 5);
    await eventually(async () => (await metricValue(url, 'toxiproxy_proxy_sent_bytes_total', { direction: 'downstream', proxy: 'p' })) === 5);
    expect(await metricValue(url, 'toxiproxy_proxy_received_bytes_total', { direction: 'upstream', proxy: 'p' })).toBe(5);
    expect(await metricValue(url, 'toxiproxy_proxy_connections_active', { proxy: 'p' })).toBe(1);
    socket.end();
    await eventually(async () => (await metricValue(url, 'toxiproxy_proxy_connections_active', { proxy: 'p' })) === 0);
    expect(await metricValue(url, 'toxiproxy_proxy_received_bytes_total', { direction: 'upstream', proxy: 'p' })).toBe(5);
    onCleanup(() => undefined);
  });
});
