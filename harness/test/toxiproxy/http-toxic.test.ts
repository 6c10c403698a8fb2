import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { ToxiproxySession } from '../../src/proxies/session.ts';
import { addToxic, api, client, createProxy, onCleanup, receiveAll, toxiproxy } from './helpers.ts';

/**
 * faultline's `http` toxic (an extension of the embedded Toxiproxy): answers a share of requests
 * itself, on any HTTP server, without the server's cooperation. What is asserted is what the
 * server saw and what the client got, counted, not timed (but for the delay's lower bound).
 */

interface Backend {
  address: string;
  /** Requests that reached the server, by method and path, with the bytes of their bodies. */
  seen: { method: string; path: string; bodyBytes: number }[];
  connections: number;
}

async function backend(): Promise<Backend> {
  const state: Backend = { address: '', seen: [], connections: 0 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    let bodyBytes = 0;
    req.on('data', (d: Buffer) => (bodyBytes += d.length));
    req.on('end', () => {
      state.seen.push({ method: req.method!, path: req.url!, bodyBytes });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : `ok ${req.url}`);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', () => state.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  state.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

async function setup(attributes: Record<string, number>, seed = 7) {
  const server = await toxiproxy(seed);
  const back = await backend();
  const proxy = await createProxy(server.url, 'web', back.address);
  await addToxic(server.url, 'web', { name: 'answer', type: 'http', stream: 'upstream', attributes });
  const pool = new Pool(`http://127.0.0.1:${proxy.port}`, { connections: 4, pipelining: 1 });
  onCleanup(() => pool.destroy());
  return { server, back, proxy, pool };
}

describe("the embedded Toxiproxy's http toxic", () => {
  it('answers the configured share of requests with the status, over keep-alive connections; the server never sees those', async () => {
    const { back, pool } = await setup({ status: 503, rate: 0.3 });
    const total = 600;
    const statuses: number[] = [];
    for (let batch = 0; batch < total / 20; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const response = await pool.request({ method: 'GET', path: `/r${batch * 20 + i}` });
          await response.body.text();
          statuses.push(response.statusCode);
        }),
      );
    }
    const answered = statuses.filter((s) => s === 503).length;
    expect(statuses.filter((s) => s !== 503 && s !== 200)).toEqual([]);
    // ±5 points of the configured 30 % over 600 requests (the seeded generator's draws).
    expect(Math.abs(answered / total - 0.3)).toBeLessThanOrEqual(0.05);
    expect(back.seen.length).toBe(total - answered);
    // Answered requests kept their connection: the pool never had to open more than its four.
    expect(back.connections).toBeLessThanOrEqual(4);
  });

  it('swallows the body of a request it answers (length or chunked), so the next one on the connection is intact', async () => {
    const { back, proxy } = await setup({ status: 502, rate: 1 });
    const socket = await client(proxy.port);
    const received = receiveAll(socket);
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const answers = async (n: number) => {
      while (text.split('HTTP/1.1 ').length - 1 < n || !text.endsWith('\n')) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    // One request at a time, each after the answer before it, as a client that does not pipeline.
    socket.write('POST /a HTTP/1.1\r\nhost: x\r\ncontent-length: 11\r\n\r\nhello ');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write('world');
    await answers(1);
    socket.write('PUT /b HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    await answers(2);
    socket.end('HEAD /c HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect((await received).ending).toBe('end');
    const statusLines = text.split('HTTP/1.1 ').slice(1);
    expect(statusLines).toHaveLength(3);
    expect(statusLines.every((a) => a.startsWith('502 Bad Gateway'))).toBe(true);
    // The HEAD answer has the fields and no body: the text ends with its blank line.
    expect(text.endsWith('connection: close\r\n\r\n')).toBe(true);
    expect(back.seen).toEqual([]);
  });

  it('lets the rest through untouched at rate 0, bodies included', async () => {
    const { back, pool } = await setup({ status: 503, rate: 0 });
    const response = await pool.request({ method: 'POST', path: '/p', body: 'x'.repeat(100_000) });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('ok /p');
    expect(back.seen).toEqual([{ method: 'POST', path: '/p', bodyBytes: 100_000 }]);
  });

  it('removed in the middle of a request it is answering, closes that connection: the rest never reaches the server', async () => {
    const { server, back, proxy } = await setup({ status: 503, rate: 1 });
    const socket = await client(proxy.port);
    const received = receiveAll(socket);
    socket.write('POST /half HTTP/1.1\r\nhost: x\r\ncontent-length: 20\r\n\r\n0123456789');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await api(server.url, 'DELETE', '/proxies/web/toxics/answer')).status).toBe(204);
    socket.write('abcdefghij');
    const ending = await received;
    expect(ending.data.toString('latin1')).not.toContain('HTTP/1.1');
    expect(back.seen).toEqual([]);
  });

  it('aborts: closes the connection without an answer, and the server never sees the request', async () => {
    const { back, proxy } = await setup({ abort: 1, rate: 1 });
    const outcome = await request(`http://127.0.0.1:${proxy.port}/gone`).then(
      (r) => `status ${r.statusCode}`,
      (error: Error & { code?: string }) => error.code ?? error.message,
    );
    expect(outcome).toMatch(/UND_ERR_SOCKET|ECONNRESET|other side closed/);
    expect(back.seen).toEqual([]);
  });

  it('delays matching requests and then forwards them (status 0)', async () => {
    const { back, pool } = await setup({ delay: 400, rate: 1 });
    const start = performance.now();
    const response = await pool.request({ method: 'GET', path: '/late' });
    await response.body.text();
    expect(response.statusCode).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(390);
    expect(back.seen.map((s) => s.path)).toEqual(['/late']);
  });

  it('is listed as an extension, upstream only, and refused on the downstream stream', async () => {
    const server = await toxiproxy();
    const listed = await api(server.url, 'GET', '/extensions');
    expect(listed.status).toBe(200);
    expect(listed.json().toxics.map((t: { type: string; streams: string[] }) => `${t.type}:${t.streams.join(',')}`)).toEqual(['http:upstream']);
    const back = await backend();
    await createProxy(server.url, 'web', back.address);
    const refused = await api(server.url, 'POST', '/proxies/web/toxics', { type: 'http', stream: 'downstream', attributes: { status: 503, rate: 1 } });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('upstream stream only');
    const badStatus = await api(server.url, 'POST', '/proxies/web/toxics', { type: 'http', stream: 'upstream', attributes: { status: 42, rate: 1 } });
    expect(badStatus.status).toBe(400);
  });

  it('a run needing it is refused by a server without it (a real Toxiproxy), naming the way out', async () => {
    // What a real Toxiproxy answers: its version, and 404 for a route it does not have.
    const real = createServer((req, res) => {
      if (req.url === '/version') res.end('{"version": "2.12.0"}\n');
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
    });
    real.listen(0, '127.0.0.1');
    await once(real, 'listening');
    onCleanup(() => new Promise<void>((resolve) => real.close(() => resolve())));
    const url = `http://127.0.0.1:${(real.address() as AddressInfo).port}`;
    const session = await ToxiproxySession.connect(url);
    const needed = new Map([['http', "the http fault 'pricing-503' on link shop -> pricing"]]);
    await expect(session.requireExtensionToxics(needed)).rejects.toMatchObject({
      code: 'FL_USAGE',
      message: expect.stringMatching(/pricing-503.*'http' toxic.*Drop --toxiproxy.*'service:'/s),
    });
    const embedded = await toxiproxy();
    await expect((await ToxiproxySession.connect(embedded.url)).requireExtensionToxics(needed)).resolves.toBeUndefined();
  });
});
