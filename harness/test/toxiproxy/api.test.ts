import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { api, closedPort, createProxy, echoServer, onCleanup, toxiproxy } from './helpers.ts';

const errorBody = (error: string, status: number): string => `${JSON.stringify({ error, status })}\n`;

describe('the admin API, as raw HTTP', () => {
  it('answers /version exactly as Toxiproxy 2.12 does', async () => {
    const { url } = await toxiproxy();
    const answer = await api(url, 'GET', '/version');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(answer.text).toBe('{"version": "2.12.0"}\n');
    expect(answer.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-v]{20}$/);
  });

  it('routes strictly: unknown paths 404 as text, wrong methods 405 with an empty body', async () => {
    const { url } = await toxiproxy();
    const notFound = await api(url, 'GET', '/proxies/');
    expect(notFound.status).toBe(404);
    expect(notFound.text).toBe('404 page not found\n');
    expect(notFound.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const wrongMethod = await api(url, 'PUT', '/proxies');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.text).toBe('');
    expect(wrongMethod.headers.get('content-type')).toBeNull();
    expect((await api(url, 'HEAD', '/version')).status).toBe(405);
  });

  it('refuses browser user agents with 403, before routing', async () => {
    const { url } = await toxiproxy();
    for (const path of ['/proxies', '/nowhere']) {
      const answer = await api(url, 'GET', path, undefined, { 'User-Agent': 'Mozilla/5.0 (X11)' });
      expect(answer.status).toBe(403);
      expect(answer.text).toBe('User agent not allowed\n');
    }
  });

  it('creates a proxy with 201, binds the chosen port and lists proxies keyed by name, sorted', async () => {
    const { url } = await toxiproxy();
    const upstream = await echoServer();
    const created = await api(url, 'POST', '/proxies', { name: 'b', listen: 'localhost:0', upstream });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.text).toMatch(/^\{"name":"b","listen":"127\.0\.0\.1:\d+","upstream":"[^"]+","enabled":true,"toxics":\[\]\}$/);
    await api(url, 'POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream, enabled: false });
    const list = await api(url, 'GET', '/proxies');
    expect(Object.keys(list.json())).toEqual(['a', 'b']);
    expect(list.json().a).toEqual({ name: 'a', listen: '127.0.0.1:0', upstream, enabled: false, toxics: [] });
    expect((await api(url, 'GET', '/proxies/b')).json()).toEqual(created.json());
  });

  it('answers every proxy-creation error with Toxiproxy status and message', async () => {
    const { url } = await toxiproxy();
    const upstream = await echoServer();
    const cases: [unknown, number, string][] = [
      ['', 400, 'bad request body: EOF'],
      ['{"name":', 400, 'bad request body: unexpected EOF'],
      ['{bad}', 400, "bad request body: invalid character 'b' looking for beginning of object key string"],
      ['[1,]', 400, "bad request body: invalid character ']' looking for beginning of value"],
      [{ listen: '127.0.0.1:0', upstream }, 400, 'missing required field: name'],
      [{ name: 'x', listen: '127.0.0.1:0' }, 400, 'missing required field: upstream'],
      [{ name: 'x', upstream, enabled: 'yes' }, 400, 'bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool'],
      [{ name: 'x', listen: 'bad::addr', upstream }, 500, 'listen tcp: address bad::addr: too many colons in address'],
    ];
    for (const [body, status, message] of cases) {
      const answer = await api(url, 'POST', '/proxies', body);
      expect(answer.status, message).toBe(status);
      expect(answer.text).toBe(errorBody(message, status));
      expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
    await createProxy(url, 'x', upstream);
    const duplicate = await api(url, 'POST', '/proxies', { name: 'x', listen: '127.0.0.1:0', upstream });
    expect(duplicate.text).toBe(errorBody('proxy already exists', 409));
    expect((await api(url, 'GET', '/proxies/nope')).text).toBe(errorBody('proxy not found', 404));
  });

  it('reports a taken listen port as a 500 bind error and does not add the proxy', async () => {
    const { url } = await toxiproxy();
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    onCleanup(() => new Promise<void>((r) => blocker.close(() => r())));
    const port = (blocker.address() as AddressInfo).port;
    const answer = await api(url, 'POST', '/proxies', { name: 'p', listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:1' });
    expect(answer.status).toBe(500);
    expect(answer.json().error).toBe(`listen tcp 127.0.0.1:${port}: bind: address already in use`);
    expect((await api(url, 'GET', '/proxies')).text).toBe('{}');
  });

  it('updates with PATCH and the deprecated POST, merging fields and never renaming', async () => {
    const { url } = await toxiproxy();
    const upstream = await echoServer();
    const { listen } = await createProxy(url, 'p', upstream);
    const disabled = await api(url, 'PATCH', '/proxies/p', { enabled: false, name: 'other' });
    expect(disabled.json()).toMatchObject({ name: 'p', listen, upstream, enabled: false });
    const enabled = await api(url, 'POST', '/proxies/p', { enabled: true });
    expect(enabled.json()).toMatchObject({ name: 'p', listen, enabled: true });
    const badListen = await api(url, 'PATCH', '/proxies/p', { listen: 'bad::addr' });
    expect(badListen.text).toBe(errorBody('address bad::addr: too many colons in address', 500));
    expect((await api(url, 'PATCH', '/proxies/p', '')).text).toBe(errorBody('bad request body: EOF', 400));
    expect((await api(url, 'PATCH', '/proxies/nope', {})).status).toBe(404);
  });

  it('deletes with 204 and then no longer knows the proxy', async () => {
    const { url } = await toxiproxy();
    await createProxy(url, 'p', await echoServer());
    const deleted = await api(url, 'DELETE', '/proxies/p');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await api(url, 'DELETE', '/proxies/p')).status).toBe(404);
  });

  it('creates toxics with 200, defaults filled, every attribute shown, and lists upstream first', async () => {
    const { url } = await toxiproxy();
    await createProxy(url, 'p', await echoServer());
    const down = await api(url, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 100 } });
    expect(down.status).toBe(200);
    expect(down.text).toBe('{"attributes":{"latency":100,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}');
    const up = await api(url, 'POST', '/proxies/p/toxics', { type: 'bandwidth', stream: 'UpStream', toxicity: 0.5 });
    expect(up.json()).toEqual({ attributes: { rate: 0 }, name: 'bandwidth_UpStream', type: 'bandwidth', stream: 'UpStream', toxicity: 0.5 });
    const list = await api(url, 'GET', '/proxies/p/toxics');
    expect(list.json().map((t: { name: string }) => t.name)).toEqual(['bandwidth_UpStream', 'latency_downstream']);
    expect((await api(url, 'GET', '/proxies/p')).json().toxics).toHaveLength(2);
    expect((await api(url, 'GET', '/proxies/p/toxics/latency_downstream')).json().attributes.latency).toBe(100);
    const noop = await api(url, 'POST', '/proxies/p/toxics', { type: 'noop' });
    expect(noop.json().attributes).toEqual({});
  });

  it('answers every toxic-creation error with Toxiproxy status and message, changing nothing', async () => {
    const { url } = await toxiproxy();
    await createProxy(url, 'p', await echoServer());
    await api(url, 'POST', '/proxies/p/toxics', { type: 'latency', name: 'taken' });
    const cases: [unknown, number, string][] = [
      [{ type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'latency', stream: '' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'gremlins' }, 400, 'invalid toxic type'],
      [{ attributes: {} }, 400, 'invalid toxic type'],
      [{ type: 'timeout', name: 'taken', stream: 'upstream' }, 409, 'toxic already exists'],
      [
        { type: 'latency', attributes: { latency: 'slow' } },
        400,
        'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64',
      ],
      [
        { type: 'latency', attributes: { latency: 1.5 } },
        400,
        'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64',
      ],
      [
        { type: 'latency', attributes: [] },
        400,
        'bad request body: json: cannot unmarshal array into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic',
      ],
      [{ type: 'latency', toxicity: 'all' }, 400, 'bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32'],
      // Where faultline is deliberately stricter than Toxiproxy:
      [{ type: 'latency', attributes: { latency: -5 } }, 400, 'invalid attribute latency -5: must not be negative'],
      [{ type: 'latency', toxicity: 7 }, 400, 'invalid toxicity 7: must be between 0 and 1'],
      [{ type: 'slicer', attributes: { average_size: 0 } }, 400, 'invalid attribute average_size must be greater than 0'],
    ];
    for (const [body, status, message] of cases) {
      const answer = await api(url, 'POST', '/proxies/p/toxics', body);
      expect(answer.text, message).toBe(errorBody(message, status));
    }
    expect((await api(url, 'GET', '/proxies/p/toxics')).json()).toHaveLength(1);
    expect((await api(url, 'POST', '/proxies/nope/toxics', { type: 'latency' })).text).toBe(errorBody('proxy not found', 404));
    expect((await api(url, 'GET', '/proxies/p/toxics/nope')).text).toBe(errorBody('toxic not found', 404));
  });

  it('updates only toxicity and attributes, merged, and deletes with 204', async () => {
    const { url } = await toxiproxy();
    await createProxy(url, 'p', await echoServer());
    await api(url, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 100, jitter: 10 } });
    const updated = await api(url, 'PATCH', '/proxies/p/toxics/latency_downstream', { attributes: { latency: 5 }, type: 'timeout', stream: 'upstream' });
    expect(updated.json()).toEqual({ attributes: { latency: 5, jitter: 10 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    expect((await api(url, 'POST', '/proxies/p/toxics/latency_downstream', { toxicity: 0.25 })).json().toxicity).toBe(0.25);
    expect((await api(url, 'PATCH', '/proxies/p/toxics/latency_downstream', {})).status).toBe(200);
    expect((await api(url, 'PATCH', '/proxies/p/toxics/latency_downstream', '')).text).toBe(errorBody('bad request body: EOF', 400));
    expect((await api(url, 'PATCH', '/proxies/p/toxics/nope', '')).status).toBe(404);
    expect((await api(url, 'DELETE', '/proxies/p/toxics/latency_downstream')).status).toBe(204);
    expect((await api(url, 'DELETE', '/proxies/p/toxics/latency_downstream')).text).toBe(errorBody('toxic not found', 404));
  });

  it('populates idempotently: creates, keeps identical proxies untouched, replaces changed ones', async () => {
    const { url } = await toxiproxy();
    const upstream = await echoServer();
    const port = await closedPort();
    const first = await api(url, 'POST', '/populate', [{ name: 'p', listen: `127.0.0.1:${port}`, upstream }]);
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.json().proxies[0]).toMatchObject({ name: 'p', listen: `127.0.0.1:${port}`, enabled: true });
    await api(url, 'POST', '/proxies/p/toxics', { type: 'latency' });
    await api(url, 'POST', '/populate', [{ name: 'p', listen: `localhost:${port}`, upstream, enabled: false }]);
    expect((await api(url, 'GET', '/proxies/p')).json()).toMatchObject({ enabled: true, toxics: [{ name: 'latency_downstream' }] });
    await api(url, 'POST', '/populate', [{ name: 'p', listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:1' }]);
    expect((await api(url, 'GET', '/proxies/p')).json()).toMatchObject({ upstream: '127.0.0.1:1', toxics: [] });
    expect((await api(url, 'POST', '/populate', [])).text).toBe('{"proxies":null}');
  });

  it('validates the whole populate array first and reports errors in its JSON shape', async () => {
    const { url } = await toxiproxy();
    const upstream = await echoServer();
    const missing = await api(url, 'POST', '/populate', [{ name: 'a', upstream }, { name: 'b' }]);
    expect(missing.status).toBe(400);
    expect(missing.text).toBe('{"error":"missing required field: upstream at proxy 2","status":400,"proxies":null}');
    expect((await api(url, 'GET', '/proxies')).text).toBe('{}');
    const port = await closedPort();
    const clash = await api(url, 'POST', '/populate', [
      { name: 'a', listen: `127.0.0.1:${port}`, upstream },
      { name: 'b', listen: `127.0.0.1:${port}`, upstream },
    ]);
    expect(clash.status).toBe(500);
    expect(clash.json()).toMatchObject({ error: `listen tcp 127.0.0.1:${port}: bind: address already in use`, status: 500, proxies: [{ name: 'a' }] });
    expect(Object.keys((await api(url, 'GET', '/proxies')).json())).toEqual(['a']);
  });

  it('resets: every proxy enabled again, every toxic gone', async () => {
    const { url } = await toxiproxy();
    await createProxy(url, 'p', await echoServer());
    await api(url, 'POST', '/proxies/p/toxics', { type: 'latency' });
    await api(url, 'PATCH', '/proxies/p', { enabled: false });
    const reset = await api(url, 'POST', '/reset');
    expect(reset.status).toBe(204);
    expect((await api(url, 'GET', '/proxies/p')).json()).toMatchObject({ enabled: true, toxics: [] });
  });

  it('serves /metrics to any method in Prometheus text format', async () => {
    const { url } = await toxiproxy();
    await createProxy(url, 'p', await echoServer());
    await api(url, 'POST', '/proxies/p/toxics', { type: 'latency' });
    const answer = await api(url, 'POST', '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.text).toContain('toxiproxy_proxy_connections_total{proxy="p"} 0');
    expect(answer.text).toContain('toxiproxy_toxic_applied_connections_total{proxy="p",toxic="latency_downstream",type="latency",stream="downstream"} 0');
  });
});
