import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { describe, expect, it } from 'vitest';
import { createHostGuard } from '../../src/toxiproxy/api/host-guard.ts';
import { startToxiproxy } from '../../src/toxiproxy/index.ts';
import { echoServer, onCleanup, toxiproxy } from './helpers.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with exactly the given headers (fetch would not let us set Host). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request as an HTTP/1.0 client without a Host header writes it, over a bare socket. */
async function http10WithoutHost(port: number, path: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  onCleanup(() => void socket.destroy());
  await once(socket, 'connect');
  socket.end(`GET ${path} HTTP/1.0\r\n\r\n`);
  let text = '';
  for await (const chunk of socket) text += String(chunk);
  return text;
}

const corsHeaders = (answer: RawAnswer): string[] => Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'));

describe('the admin API refuses requests that do not name it in Host (DNS rebinding)', () => {
  it('refuses Host: evil.example with 403, saying what to do, before routing', async () => {
    const { url, port } = await toxiproxy();
    for (const host of ['evil.example', `evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1.nip.io:${port}`, '0.0.0.0']) {
      for (const path of ['/proxies', '/nowhere']) {
        const answer = await raw(url, 'GET', path, { Host: host });
        expect(answer.status, host).toBe(403);
        expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
        const body = JSON.parse(answer.text) as { error: string; status: number };
        expect(body.status).toBe(403);
        expect(body.error).toContain('host not allowed');
        expect(body.error).toContain('--allow-host');
      }
    }
  });

  it('creates nothing for a refused Host', async () => {
    const { url, port } = await toxiproxy();
    const upstream = await echoServer();
    const answer = await raw(url, 'POST', '/proxies', { Host: `evil.example:${port}` }, JSON.stringify({ name: 'sneaky', listen: '127.0.0.1:0', upstream }));
    expect(answer.status).toBe(403);
    expect(await new Toxiproxy(url).getAll()).toEqual({});
  });

  it('accepts every loopback name, with or without the port, in any case', async () => {
    const { url, port } = await toxiproxy();
    for (const host of ['localhost', `localhost:${port}`, `LocalHost:${port}`, `127.0.0.1:${port}`, '127.1.2.3', `[::1]:${port}`]) {
      const answer = await raw(url, 'GET', '/version', { Host: host });
      expect(answer.status, host).toBe(200);
      expect(answer.text).toBe('{"version": "2.12.0"}\n');
    }
  });

  it('serves an HTTP/1.0 request without Host; HTTP/1.1 without Host is a 400 as in Go', async () => {
    const { port } = await toxiproxy();
    const answer = await http10WithoutHost(port, '/version');
    expect(answer).toMatch(/^HTTP\/1\.[01] 200 /);
    expect(answer.endsWith('{"version": "2.12.0"}\n')).toBe(true);
    const socket = connect(port, '127.0.0.1');
    onCleanup(() => void socket.destroy());
    await once(socket, 'connect');
    socket.write('GET /version HTTP/1.1\r\n\r\n');
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    expect(chunk.toString()).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('accepts the names the operator allowed, and only those', async () => {
    const server = await startToxiproxy({ port: 0, seed: 1, allowedHosts: ['toxiproxy', 'TP.internal'] });
    onCleanup(() => server.close());
    expect((await raw(server.url, 'GET', '/version', { Host: `toxiproxy:${server.port}` })).status).toBe(200);
    expect((await raw(server.url, 'GET', '/version', { Host: 'tp.internal' })).status).toBe(200);
    expect((await raw(server.url, 'GET', '/version', { Host: 'toxiproxy.evil.example' })).status).toBe(403);
  });

  it('refuses an allowed host that is not a bare name, as a usage error', async () => {
    for (const bad of ['http://toxiproxy', 'toxiproxy:8474', '', 'a b']) {
      await expect(startToxiproxy({ port: 0, allowedHosts: [bad] }), bad).rejects.toMatchObject({ code: 'FL_USAGE' });
    }
  });

  it('when bound to every interface, accepts any IP literal but still refuses foreign names', () => {
    const guard = createHostGuard({ bindHost: '0.0.0.0', boundAddress: () => '0.0.0.0', allowedHosts: ['toxiproxy'] });
    for (const ok of ['172.18.0.3:8474', '10.0.0.5', '[fd00::5]:8474', '0.0.0.0:8474', 'toxiproxy:8474', 'localhost']) expect(guard(ok), ok).toBeUndefined();
    for (const bad of ['evil.example:8474', 'toxiproxy.evil.example', 'my-laptop', '[not-an-ip', 'a:b']) expect(guard(bad), bad).toContain('host not allowed');
  });

  it('when bound to a specific address, accepts that address and the name it was given', () => {
    const guard = createHostGuard({ bindHost: 'my-box', boundAddress: () => '10.0.0.5' });
    for (const ok of ['my-box:8474', 'MY-BOX', '10.0.0.5:8474', '127.0.0.1']) expect(guard(ok), ok).toBeUndefined();
    for (const bad of ['10.0.0.6', 'evil.example']) expect(guard(bad), bad).toContain('host not allowed');
  });
});

describe('the admin API is closed to web pages', () => {
  it('refuses a browser user agent, whatever the Host', async () => {
    const { url, port } = await toxiproxy();
    for (const host of [`127.0.0.1:${port}`, 'evil.example']) {
      const answer = await raw(url, 'GET', '/proxies', { Host: host, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' });
      expect(answer.status).toBe(403);
      expect(answer.text).toBe('User agent not allowed\n');
    }
  });

  it('does not honour a CORS preflight and refuses a cross-origin request, creating nothing', async () => {
    const { url } = await toxiproxy();
    const upstream = await echoServer();
    const preflight = await raw(url, 'OPTIONS', '/proxies', {
      Origin: 'http://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    });
    expect(preflight.status).toBe(403);
    expect(corsHeaders(preflight)).toEqual([]);
    const plainOptions = await raw(url, 'OPTIONS', '/proxies', {});
    expect(plainOptions.status).toBe(405);
    expect(corsHeaders(plainOptions)).toEqual([]);
    // A "simple" cross-origin POST needs no preflight: it must be refused on its own.
    const post = await raw(
      url,
      'POST',
      '/proxies',
      { Origin: 'null', 'Content-Type': 'text/plain' },
      JSON.stringify({ name: 'sneaky', listen: '127.0.0.1:0', upstream }),
    );
    expect(post.status).toBe(403);
    expect(JSON.parse(post.text).error).toContain('cross-origin request refused');
    expect(await new Toxiproxy(url).getAll()).toEqual({});
  });

  it('sends no Access-Control-Allow-* header on any answer', async () => {
    const { url, port } = await toxiproxy();
    const upstream = await echoServer();
    const answers = [
      await raw(url, 'GET', '/version', {}),
      await raw(url, 'POST', '/proxies', {}, JSON.stringify({ name: 'p', listen: '127.0.0.1:0', upstream })),
      await raw(url, 'GET', '/proxies', {}),
      await raw(url, 'POST', '/proxies/p/toxics', {}, JSON.stringify({ type: 'latency', attributes: { latency: 1 } })),
      await raw(url, 'GET', '/metrics', {}),
      await raw(url, 'DELETE', '/proxies/p', {}),
      await raw(url, 'GET', '/proxies/p', {}),
      await raw(url, 'GET', '/nowhere', {}),
      await raw(url, 'PUT', '/proxies', {}),
      await raw(url, 'GET', '/proxies', { Host: `evil.example:${port}` }),
      await raw(url, 'GET', '/proxies', { 'User-Agent': 'Mozilla/5.0' }),
      await raw(url, 'GET', '/proxies', { Origin: 'http://evil.example' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 201, 200, 200, 200, 204, 404, 404, 405, 403, 403, 403]);
    for (const answer of answers) expect(corsHeaders(answer)).toEqual([]);
  });
});
