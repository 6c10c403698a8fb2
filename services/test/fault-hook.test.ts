import { afterEach, describe, expect, it } from 'vitest';
import { passengerService } from '../passenger/app.ts';
import { adminSecretChecker } from '../lib/server/admin-secret.ts';
import { isLoopback } from '../lib/server/http-io.ts';
import { ServiceConfigError } from '../lib/server/service.ts';
import { adminHeaders, Cleanup, getJson, metricValue, startService, testAdminSecret } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function putFault(url: string, fault: unknown, headers: Record<string, string> = adminHeaders) {
  const response = await fetch(`${url}/__faultline/fault`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(fault),
  });
  return { status: response.status, body: await response.json() };
}

const hook = (url: string) => `${url}/__faultline/fault`;

const statuses = async (url: string, n: number) => {
  const result: number[] = [];
  for (let i = 0; i < n; i++) result.push((await getJson(`${url}/passengers/p-1`)).status);
  return result;
};

describe('the service-level fault hook', () => {
  it('makes every request answer the given status at rate 1, and stops when deleted', async () => {
    const { url, app } = await startService(cleanup, passengerService);
    expect(await putFault(url, { status: 503, rate: 1, delayMs: 0 })).toEqual({ status: 200, body: { status: 503, rate: 1, delayMs: 0 } });
    expect((await getJson(hook(url), { headers: adminHeaders })).body).toEqual({ status: 503, rate: 1, delayMs: 0 });
    expect(await statuses(url, 5)).toEqual([503, 503, 503, 503, 503]);
    expect(await metricValue(app.metrics.registry, 'faultline_injected_faults_total', { kind: 'status' })).toBe(5);

    expect((await fetch(hook(url), { method: 'DELETE', headers: adminHeaders })).status).toBe(204);
    expect((await getJson(hook(url), { headers: adminHeaders })).body).toEqual({});
    expect(await statuses(url, 3)).toEqual([200, 200, 200]);
  });

  it('hits about the given fraction of requests, the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      const { url } = await startService(cleanup, passengerService, { seed });
      await putFault(url, { status: 500, rate: 0.5, delayMs: 0 });
      return statuses(url, 200);
    };
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    const failed = a.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('adds processing delay without an error when status is 0', async () => {
    const { url, app } = await startService(cleanup, passengerService);
    await putFault(url, { status: 0, rate: 1, delayMs: 300 });
    const started = performance.now();
    expect((await getJson(`${url}/passengers/p-1`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(await metricValue(app.metrics.registry, 'faultline_injected_faults_total', { kind: 'delay' })).toBe(1);
    expect(await metricValue(app.metrics.registry, 'faultline_injected_faults_total', { kind: 'status' })).toBe(0);
  });

  it('never faults the health and metrics routes', async () => {
    const { url } = await startService(cleanup, passengerService);
    await putFault(url, { status: 503, rate: 1, delayMs: 0 });
    expect((await getJson(`${url}/health`)).status).toBe(200);
    expect((await getJson(`${url}/metrics`)).status).toBe(200);
  });

  it('refuses a malformed fault with 400 and keeps the previous one', async () => {
    const { url } = await startService(cleanup, passengerService);
    expect((await putFault(url, { status: 503, rate: 2 })).status).toBe(400);
    expect((await putFault(url, { status: 503, rate: 1, colour: 'red' })).status).toBe(400);
    expect((await getJson(hook(url), { headers: adminHeaders })).body).toEqual({});
  });

  it('answers loopback peers only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.1', undefined].map(isLoopback)).toEqual([false, false, false, false]);
  });
});

describe('the fault hook is ours alone', () => {
  it('refuses a request without the secret header with 401 and changes nothing', async () => {
    const { url } = await startService(cleanup, passengerService);
    const refused = await putFault(url, { status: 503, rate: 1, delayMs: 0 }, {});
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'unauthorized' });
    expect(refused.body.message).toContain('x-faultline-secret');
    expect((await getJson(hook(url))).status).toBe(401);
    expect((await fetch(hook(url), { method: 'DELETE' })).status).toBe(401);
    expect((await getJson(hook(url), { headers: adminHeaders })).body).toEqual({});
    expect(await statuses(url, 3)).toEqual([200, 200, 200]);
  });

  it('refuses a wrong secret, of the same length or another, and accepts the right one', async () => {
    const { url } = await startService(cleanup, passengerService);
    const sameLength = testAdminSecret.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'));
    for (const wrong of [sameLength, testAdminSecret.slice(0, -1), `${testAdminSecret}0`, testAdminSecret.toUpperCase(), '']) {
      expect((await putFault(url, { status: 503, rate: 1, delayMs: 0 }, { 'x-faultline-secret': wrong })).status, wrong).toBe(401);
    }
    expect(await statuses(url, 2)).toEqual([200, 200]);
    expect((await putFault(url, { status: 503, rate: 1, delayMs: 0 }, { 'x-faultline-secret': testAdminSecret })).status).toBe(200);
    expect(await statuses(url, 2)).toEqual([503, 503]);
  });

  it('does not exist in a service started without a secret: 404 as for any unknown path, secret or not', async () => {
    const { url } = await startService(cleanup, passengerService, { adminSecret: undefined });
    const unknown = await getJson(`${url}/__nothing_here`);
    for (const headers of [{}, adminHeaders]) {
      const answer = await getJson(hook(url), { headers });
      expect(answer.status).toBe(404);
      expect(answer.body.error).toBe(unknown.body.error);
      expect((await putFault(url, { status: 503, rate: 1, delayMs: 0 }, headers)).status).toBe(404);
      expect((await fetch(hook(url), { method: 'DELETE', headers })).status).toBe(404);
    }
    expect(await statuses(url, 2)).toEqual([200, 200]);
  });

  it('refuses to start with a secret too short to be one', async () => {
    await expect(startService(cleanup, passengerService, { adminSecret: 'hunter2' })).rejects.toThrow(ServiceConfigError);
  });

  it('compares secrets by their digests, whatever the lengths', () => {
    const allowed = adminSecretChecker(testAdminSecret);
    expect(allowed(testAdminSecret)).toBe(true);
    expect([undefined, '', 'x', testAdminSecret.repeat(3), [testAdminSecret, testAdminSecret]].map(allowed)).toEqual([false, false, false, false, false]);
  });
});
