import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/index.ts';
import { MAX_ID_BODY_BYTES } from '../../src/load/request.ts';
import { loadSpec, startServer, type TestServer } from './server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the ids of accepted requests (async:)', () => {
  it('keeps the id at the pointer of every success response, with its scheduled and accepted times', async () => {
    let n = 0;
    server = await startServer((_request, response) => {
      const i = n++;
      // Every fifth answer fails (not accepted), every seventh has no id, the rest carry one
      // (numbers and strings alike), in a chunked body.
      response.statusCode = i % 5 === 4 ? 503 : 201;
      response.setHeader('content-type', 'application/json');
      const body = i % 7 === 6 ? { status: 'ok' } : { trip: { id: i % 2 === 0 ? `t-${i}` : i } };
      response.write(JSON.stringify(body).slice(0, 5));
      response.end(JSON.stringify(body).slice(5));
    });
    const heard: unknown[] = [];
    const outcome = await runLoad({
      baseUrl: server.url,
      seed: 1,
      spec: loadSpec(40, 1000, { maxInFlight: 1 }),
      acceptedId: '/trip/id',
      onAccepted: (request) => heard.push({ ...request }),
    });
    // Each accepted request is also announced as its response is read (the live exposition's feed).
    expect(heard).toEqual(outcome.accepted);
    const ok = outcome.samples.filter((s) => s.ok).length;
    expect(ok).toBeGreaterThan(20);
    expect(outcome.accepted.length + outcome.acceptedWithoutId).toBe(ok);
    expect(outcome.acceptedWithoutId).toBeGreaterThan(0);
    for (const accepted of outcome.accepted) {
      expect(accepted.id).toMatch(/^(t-\d*[02468]|\d*[13579])$/);
      expect(accepted.acceptedMs).toBeGreaterThanOrEqual(accepted.scheduledMs);
    }
    expect(new Set(outcome.accepted.map((a) => a.id)).size).toBe(outcome.accepted.length);
  });

  it('does not keep a body over the limit, nor one that is not JSON: accepted without an id', async () => {
    let n = 0;
    server = await startServer((_request, response) => {
      const i = n++;
      response.statusCode = 200;
      if (i % 3 === 0) response.end(JSON.stringify({ id: `big-${i}`, pad: 'x'.repeat(MAX_ID_BODY_BYTES) }));
      else if (i % 3 === 1) response.end('not json');
      else response.end(JSON.stringify({ id: `small-${i}` }));
    });
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(30, 1000, { maxInFlight: 1 }), acceptedId: '/id' });
    expect(outcome.samples.every((s) => s.ok)).toBe(true);
    expect(outcome.accepted.every((a) => a.id.startsWith('small-'))).toBe(true);
    expect(outcome.accepted.length).toBeGreaterThan(0);
    expect(outcome.accepted.length + outcome.acceptedWithoutId).toBe(outcome.samples.length);
  });

  it('keeps nothing without acceptedId', async () => {
    server = await startServer((_request, response) => response.end('{"id":"x"}'));
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(20, 500) });
    expect(outcome.accepted).toEqual([]);
    expect(outcome.acceptedWithoutId).toBe(0);
  });
});
