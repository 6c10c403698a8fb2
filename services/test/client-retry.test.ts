import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../lib/client/errors.ts';
import type { DependencyPolicy, RetryPolicyConfig } from '../lib/profile/schema.ts';
import { Cleanup, makeClient, metricValue, reply, resetConnection, startStub } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const jittered: RetryPolicyConfig = { maxRetries: 3, backoff: 'exponential', initialDelayMs: 80, maxDelayMs: 1000, jitter: true, onlyIdempotent: true };
const failThenSucceed = (failures: number) => (_req: unknown, res: Parameters<typeof reply>[0], n: number) => reply(res, n <= failures ? 503 : 200);
const gaps = (arrivals: number[]) => arrivals.slice(1).map((t, i) => t - arrivals[i]!);

describe('the retry policy', () => {
  it('retries a failing idempotent call until it succeeds, spacing attempts with exponential jittered backoff', async () => {
    const stub = await startStub(cleanup, failThenSucceed(3));
    const { client, metrics } = makeClient(cleanup, stub.url, { retry: jittered });
    const result = await client.request({ method: 'GET', path: '/x' });
    expect(result.status).toBe(200);
    expect(stub.count).toBe(4);
    const [first, second, third] = gaps(stub.arrivals) as [number, number, number];
    // Delay n is drawn from [base·2^(n-1)/2, base·2^(n-1)): 40–80, 80–160, 160–320 ms, plus transit.
    expect(first).toBeGreaterThanOrEqual(38);
    expect(second).toBeGreaterThanOrEqual(78);
    expect(third).toBeGreaterThanOrEqual(158);
    expect(third).toBeGreaterThan(first);
    expect(await metricValue(metrics.registry, 'dependency_calls_total')).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_attempts_total')).toBe(4);
    expect(await metricValue(metrics.registry, 'dependency_attempts_total', { outcome: 'error' })).toBe(3);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { outcome: 'success' })).toBe(1);
  });

  it('draws its jitter from the seed: another seed spaces the retries differently', async () => {
    const spacing = async (seed: number) => {
      const stub = await startStub(cleanup, failThenSucceed(2));
      const { client } = makeClient(cleanup, stub.url, { retry: { ...jittered, initialDelayMs: 200 } }, { seed });
      await client.request({ method: 'GET', path: '/x' });
      return gaps(stub.arrivals);
    };
    const [a, b] = await Promise.all([spacing(1), spacing(99)]);
    // Seed 1 and seed 99 draw different fractions of [100, 200) ms; tolerate scheduling noise.
    expect(Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!)).toBeGreaterThan(5);
  });

  it('does not retry a POST without an idempotency key', async () => {
    const stub = await startStub(cleanup, failThenSucceed(1));
    const { client } = makeClient(cleanup, stub.url, { retry: jittered });
    const error = await client.request({ method: 'POST', path: '/side-effect', body: {} }).catch((e: unknown) => e);
    expect((error as DependencyError).outcome).toBe('error');
    expect((error as DependencyError).status).toBe(503);
    expect(stub.count).toBe(1);
  });

  it('retries a POST that carries an idempotency key, sending the same key every time', async () => {
    const stub = await startStub(cleanup, failThenSucceed(1));
    const { client } = makeClient(cleanup, stub.url, { retry: jittered });
    await client.request({ method: 'POST', path: '/side-effect', body: {}, idempotencyKey: 'k-1' });
    expect(stub.count).toBe(2);
    expect(stub.headers.map((h) => h['idempotency-key'])).toEqual(['k-1', 'k-1']);
  });

  it('retries everything, POSTs included, when told not to care about idempotency (the naive `retries` profile)', async () => {
    const stub = await startStub(cleanup, resetConnection);
    const { client } = makeClient(cleanup, stub.url, {
      retry: { maxRetries: 2, backoff: 'constant', initialDelayMs: 10, maxDelayMs: 10, jitter: false, onlyIdempotent: false },
    });
    await expect(client.request({ method: 'POST', path: '/side-effect', body: {} })).rejects.toBeInstanceOf(DependencyError);
    expect(stub.count).toBe(3);
  });

  it('stops retrying once the retry budget is spent, so retries cannot multiply load', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 503));
    const policy: DependencyPolicy = { retry: { ...jittered, initialDelayMs: 1, maxDelayMs: 2, budget: { ratio: 0, minPerSecond: 1, windowMs: 2000 } } };
    const { client, metrics } = makeClient(cleanup, stub.url, policy);
    for (let i = 0; i < 5; i++) await client.request({ method: 'GET', path: '/x' }).catch(() => undefined);
    // The budget allows 1/s over a 2 s window = 2 retries; without it there would be 5·3 = 15.
    expect(await metricValue(metrics.registry, 'dependency_calls_total')).toBe(5);
    expect(await metricValue(metrics.registry, 'dependency_attempts_total')).toBe(7);
  });

  it('does not retry a client error (4xx is an answer, not a failure)', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 404));
    const { client } = makeClient(cleanup, stub.url, { retry: jittered });
    const result = await client.request({ method: 'GET', path: '/missing' });
    expect(result.status).toBe(404);
    expect(stub.count).toBe(1);
  });
});
