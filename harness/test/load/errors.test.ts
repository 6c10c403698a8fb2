import { afterEach, describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.ts';
import { runLoad } from '../../src/load/index.ts';
import { closedPort, loadSpec, startServer } from './server.ts';
import type { TestServer } from './server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('request outcomes', () => {
  it('classifies a request that outlives the client timeout as `timeout`', async () => {
    server = await startServer(() => {}); // never answers
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(10, 500, { timeoutMs: 300 }) });
    expect(outcome.samples).toHaveLength(5);
    for (const sample of outcome.samples) {
      expect(sample).toMatchObject({ ok: false, status: 0, error: 'timeout' });
      expect(sample.endMs - sample.sentMs).toBeGreaterThanOrEqual(299);
      expect(sample.endMs - sample.sentMs).toBeLessThan(1500);
    }
  });

  it('classifies a refused connection as `connect`', async () => {
    const port = await closedPort();
    const outcome = await runLoad({ baseUrl: `http://127.0.0.1:${port}`, seed: 1, spec: loadSpec(20, 500) });
    expect(outcome.samples).toHaveLength(10);
    expect(outcome.samples.every((s) => s.error === 'connect' && !s.ok)).toBe(true);
  });

  it('classifies a connection the server resets as `reset`', async () => {
    server = await startServer((request) => request.socket.destroy());
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(20, 500) });
    expect(outcome.samples).toHaveLength(10);
    expect(outcome.samples.every((s) => s.error === 'reset' && !s.ok)).toBe(true);
  });

  it('counts a status outside successStatuses as `status`, and 200–399 as success by default', async () => {
    let requests = 0;
    server = await startServer((_request, response) => {
      response.statusCode = requests++ % 2 === 0 ? 503 : 302;
      response.end();
    });
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(20, 500, { maxInFlight: 1 }) });
    const byStatus = (status: number) => outcome.samples.filter((s) => s.status === status);
    expect(byStatus(503).length).toBeGreaterThan(0);
    expect(byStatus(302).length).toBeGreaterThan(0);
    expect(byStatus(503).every((s) => !s.ok && s.error === 'status')).toBe(true);
    expect(byStatus(302).every((s) => s.ok && s.error === undefined)).toBe(true);

    const only503 = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(20, 300, { successStatuses: [503] }) });
    expect(only503.samples.every((s) => s.ok === (s.status === 503))).toBe(true);
  });

  it('sends the method, headers and templated JSON body of the spec', async () => {
    const received: { method: string; type: string; token: string; body: string }[] = [];
    server = await startServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ method: request.method!, type: request.headers['content-type']!, token: request.headers['x-token'] as string, body });
        response.end();
      });
    });
    const spec = loadSpec(20, 500, { method: 'POST', path: '/trips', headers: { 'x-token': 'abc' }, body: { id: 'trip-{{seq}}' } });
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec });
    expect(outcome.samples.every((s) => s.ok)).toBe(true);
    expect(received).toHaveLength(10);
    expect(received.every((r) => r.method === 'POST' && r.type === 'application/json' && r.token === 'abc')).toBe(true);
    const ids = received.map((r) => (JSON.parse(r.body) as { id: string }).id).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, n) => `trip-${n}`));
  });

  it('keeps the path of a base URL as a prefix of the request path', async () => {
    const paths: string[] = [];
    server = await startServer((request, response) => {
      paths.push(request.url!);
      response.end();
    });
    const outcome = await runLoad({ baseUrl: `${server.url}/api/`, seed: 1, spec: loadSpec(10, 200, { path: '/trips?limit=1' }) });
    expect(outcome.samples.every((s) => s.ok)).toBe(true);
    expect(new Set(paths)).toEqual(new Set(['/api/trips?limit=1']));
  });

  it('rejects a base URL that is not an http URL with a usage error', async () => {
    await expect(runLoad({ baseUrl: 'not a url', seed: 1, spec: loadSpec(10, 200) })).rejects.toThrow(FaultlineError);
    await expect(runLoad({ baseUrl: 'ftp://127.0.0.1:21', seed: 1, spec: loadSpec(10, 200) })).rejects.toMatchObject({ code: 'FL_USAGE' });
  });
});
