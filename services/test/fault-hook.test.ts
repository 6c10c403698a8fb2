import { afterEach, describe, expect, it } from 'vitest';
import { passengerService } from '../passenger/app.ts';
import { isLoopback } from '../lib/server/http-io.ts';
import { Cleanup, getJson, metricValue, startService } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function putFault(url: string, fault: unknown) {
  const response = await fetch(`${url}/__faultline/fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  return { status: response.status, body: await response.json() };
}

const statuses = async (url: string, n: number) => {
  const result: number[] = [];
  for (let i = 0; i < n; i++) result.push((await getJson(`${url}/passengers/p-1`)).status);
  return result;
};

describe('the service-level fault hook', () => {
  it('makes every request answer the given status at rate 1, and stops when deleted', async () => {
    const { url, app } = await startService(cleanup, passengerService);
    expect(await putFault(url, { status: 503, rate: 1, delayMs: 0 })).toEqual({ status: 200, body: { status: 503, rate: 1, delayMs: 0 } });
    expect((await getJson(`${url}/__faultline/fault`)).body).toEqual({ status: 503, rate: 1, delayMs: 0 });
    expect(await statuses(url, 5)).toEqual([503, 503, 503, 503, 503]);
    expect(await metricValue(app.metrics.registry, 'faultline_injected_faults_total', { kind: 'status' })).toBe(5);

    expect((await fetch(`${url}/__faultline/fault`, { method: 'DELETE' })).status).toBe(204);
    expect((await getJson(`${url}/__faultline/fault`)).body).toEqual({});
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
    expect((await getJson(`${url}/__faultline/fault`)).body).toEqual({});
  });

  it('answers loopback peers only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.1', undefined].map(isLoopback)).toEqual([false, false, false, false]);
  });
});
