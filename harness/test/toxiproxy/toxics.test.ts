import { describe, expect, it } from 'vitest';
import { addToxic, api, client, createProxy, echoServer, eventually, receiveAll, receiveBytes, sleep, tcpServer, toxiproxy } from './helpers.ts';

// Timing assertions: lower bounds are exact (data is never released early), upper bounds are
// generous because the machine is shared.
describe('each toxic, by its behaviour on a real connection', () => {
  it('latency delays each chunk by at least the latency, not wildly more', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'latency', attributes: { latency: 200 } });
    const socket = await client(port);
    socket.write('ping');
    const { elapsedMs } = await receiveBytes(socket, 4);
    expect(elapsedMs).toBeGreaterThanOrEqual(200);
    expect(elapsedMs).toBeLessThan(700);
  });

  it('latency on both streams adds up, and pipelined chunks do not pile up', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'latency', stream: 'upstream', attributes: { latency: 100 } });
    await addToxic(url, 'p', { type: 'latency', stream: 'downstream', attributes: { latency: 150 } });
    const socket = await client(port);
    const got = receiveBytes(socket, 20);
    for (let i = 0; i < 10; i++) {
      socket.write('ab');
      await sleep(5);
    }
    const { elapsedMs } = await got;
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(250 + 50 + 500); // ten chunks do not cost ten latencies
  });

  it('bandwidth caps throughput at the rate (KB = 1000 bytes)', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await tcpServer((s) => s.end(Buffer.alloc(5000, 1))));
    await addToxic(url, 'p', { type: 'bandwidth', attributes: { rate: 10 } }); // 10 bytes/ms → 500 ms
    const received = await receiveAll(await client(port));
    expect(received.data.length).toBe(5000);
    expect(received.elapsedMs).toBeGreaterThanOrEqual(480);
    expect(received.elapsedMs).toBeLessThan(2500);
    expect(received.chunkSizes.every((n) => n <= 1000)).toBe(true); // 100 ms pieces of rate*100 bytes
  });

  it('slow_close lets data through at once and delays the close', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await tcpServer((s) => s.end('bye')));
    await addToxic(url, 'p', { type: 'slow_close', attributes: { delay: 300 } });
    const received = await receiveAll(await client(port));
    expect(received.data.toString()).toBe('bye');
    expect(received.chunkTimesMs[0]).toBeLessThan(250);
    expect(received.ending).toBe('end');
    expect(received.elapsedMs).toBeGreaterThanOrEqual(300);
  });

  it('timeout stops all data, then closes the connection after the timeout', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'timeout', attributes: { timeout: 300 } });
    const socket = await client(port);
    const received = receiveAll(socket);
    socket.write('hello');
    const { data, elapsedMs } = await received;
    expect(data.length).toBe(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(295);
    expect(elapsedMs).toBeLessThan(1500);
  });

  it('timeout 0 holds data forever and never closes by itself', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'timeout', attributes: { timeout: 0 } });
    const socket = await client(port);
    let closed = false;
    socket.on('close', () => (closed = true));
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write('hello');
    await sleep(500);
    expect(received).toEqual([]);
    expect(closed).toBe(false);
  });

  it('reset_peer resets connections opened while it exists (ECONNRESET)', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'reset_peer', attributes: { timeout: 100 } });
    const socket = await client(port);
    const received = receiveAll(socket);
    socket.write('hello');
    const { ending, data, elapsedMs } = await received;
    expect(ending).toBe('reset');
    expect(data.length).toBe(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(95);
  });

  it('reset_peer added to an open connection closes it with a plain FIN', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    const socket = await client(port);
    socket.write('a');
    await receiveBytes(socket, 1);
    await addToxic(url, 'p', { type: 'reset_peer', attributes: { timeout: 0 } });
    const received = receiveAll(socket);
    socket.write('b');
    expect((await received).ending).toBe('end');
  });

  it('slicer splits writes into small pieces with a delay between them, bytes intact', async () => {
    const { url } = await toxiproxy();
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const { port } = await createProxy(url, 'p', await tcpServer((s) => s.end(payload)));
    await addToxic(url, 'p', { type: 'slicer', attributes: { average_size: 10, size_variation: 5, delay: 1000 } });
    const received = await receiveAll(await client(port));
    expect(received.data.equals(payload)).toBe(true);
    expect(received.chunkSizes.length).toBeGreaterThan(10);
    expect(received.elapsedMs).toBeGreaterThanOrEqual(60); // ≥ ~66 pieces × 1 ms
  });

  it('limit_data forwards exactly N bytes, then closes', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await tcpServer((s) => s.write(Buffer.alloc(100, 7))));
    await addToxic(url, 'p', { type: 'limit_data', attributes: { bytes: 10 } });
    const received = await receiveAll(await client(port));
    expect(received.data.length).toBe(10);
    expect(received.ending).not.toBe('reset');
  });

  it('limit_data counts per connection and keeps the count across updates', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { type: 'limit_data', attributes: { bytes: 6 } });
    const socket = await client(port);
    socket.write('abcd');
    await receiveBytes(socket, 4);
    await api(url, 'PATCH', '/proxies/p/toxics/limit_data_downstream', { attributes: { bytes: 8 } });
    const received = receiveAll(socket);
    socket.write('efghij');
    expect((await received).data.toString()).toBe('efgh');
  });

  it('toxicity 0 never applies a toxic and toxicity 1 always does, as the metrics show', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    await addToxic(url, 'p', { name: 'never', type: 'latency', toxicity: 0, attributes: { latency: 1000 } });
    await addToxic(url, 'p', { name: 'always', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 50 } });
    for (let i = 0; i < 3; i++) {
      const socket = await client(port);
      socket.write('x');
      const { elapsedMs } = await receiveBytes(socket, 1);
      expect(elapsedMs).toBeGreaterThanOrEqual(50);
      expect(elapsedMs).toBeLessThan(900);
      socket.destroy();
    }
    const metrics = (await api(url, 'GET', '/metrics')).text;
    expect(metrics).toContain('toxiproxy_toxic_applied_connections_total{proxy="p",toxic="never",type="latency",stream="downstream"} 0');
    expect(metrics).toContain('toxiproxy_toxic_applied_connections_total{proxy="p",toxic="always",type="latency",stream="upstream"} 3');
  });

  it('applies toxics added and removed while a connection is open', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    const socket = await client(port);
    socket.write('1');
    expect((await receiveBytes(socket, 1)).elapsedMs).toBeLessThan(150);
    await addToxic(url, 'p', { type: 'latency', attributes: { latency: 200 } });
    socket.write('2');
    expect((await receiveBytes(socket, 1)).elapsedMs).toBeGreaterThanOrEqual(200);
    await api(url, 'DELETE', '/proxies/p/toxics/latency_downstream');
    socket.write('3');
    expect((await receiveBytes(socket, 1)).elapsedMs).toBeLessThan(150);
  });

  it('disabling a proxy closes its connections and refuses new ones; enabling re-listens', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    const socket = await client(port);
    const received = receiveAll(socket);
    await api(url, 'PATCH', '/proxies/p', { enabled: false });
    expect(['end', 'close', 'reset']).toContain((await received).ending);
    await expect(client(port)).rejects.toThrow(/ECONNREFUSED/);
    await api(url, 'PATCH', '/proxies/p', { enabled: true });
    const again = await client(port);
    again.write('back');
    expect((await receiveBytes(again, 4)).data.toString()).toBe('back');
    await eventually(async () => (await api(url, 'GET', '/metrics')).text.includes('toxiproxy_proxy_connections_active{proxy="p"} 1'));
  });
});
