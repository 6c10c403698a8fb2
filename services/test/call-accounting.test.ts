import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DependencyError } from '../lib/client/errors.ts';
import { Deadline } from '../lib/deadline.ts';
import type { RetryPolicyConfig } from '../lib/profile/schema.ts';
import type { ServiceMetrics } from '../lib/metrics.ts';
import { Cleanup, hang, makeClient, metricValue, reply, startStub } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const quickRetries: RetryPolicyConfig = { maxRetries: 2, backoff: 'constant', initialDelayMs: 5, maxDelayMs: 5, jitter: false, onlyIdempotent: true };

/** Every counter the definitions of docs/slos.md read, as one scrape would see them. */
async function counts(metrics: ServiceMetrics) {
  const value = (name: string, labels: Record<string, string> = {}) => metricValue(metrics.registry, name, labels);
  const calls = await value('dependency_calls_total');
  const attempts = await value('dependency_attempts_total');
  return {
    calls,
    attempts,
    amplification: calls > 0 ? attempts / calls : null,
    unsent: await value('dependency_calls_unsent_total'),
    ended: await value('dependency_request_duration_seconds'),
    value,
  };
}

const outcomeOf = (call: Promise<unknown>) =>
  call.then(
    () => 'success',
    (e: unknown) => (e as DependencyError).outcome,
  );

describe('call accounting: calls, attempts and calls never sent', () => {
  it('counts 1 call with 2 retries as 3 attempts: 3.00×', async () => {
    const stub = await startStub(cleanup, (_req, res, n) => reply(res, n <= 2 ? 503 : 200));
    const { client, metrics } = makeClient(cleanup, stub.url, { retry: quickRetries });
    const result = await client.request({ method: 'GET', path: '/x' });
    expect(result).toMatchObject({ status: 200, outcome: 'success', fallback: false });
    const c = await counts(metrics);
    expect(c).toMatchObject({ calls: 1, attempts: 3, amplification: 3, unsent: 0, ended: 1 });
    expect(await c.value('dependency_attempts_total', { outcome: 'error' })).toBe(2);
    expect(await c.value('dependency_attempts_total', { outcome: 'success' })).toBe(1);
  });

  it('counts a call and its attempts together when the call ends, never a call still waiting for its attempt', async () => {
    let answer: (() => void) | undefined;
    const stub = await startStub(cleanup, (_req, res) => {
      answer = () => reply(res, 200);
    });
    const { client, metrics } = makeClient(cleanup, stub.url, {});
    const call = client.request({ method: 'GET', path: '/x' });
    while (stub.count === 0) await sleep(5);
    // In flight: a scrape now must not see a call without its attempt (that read 0.94× before).
    expect(await counts(metrics)).toMatchObject({ calls: 0, attempts: 0, unsent: 0, ended: 0 });
    answer!();
    await call;
    expect(await counts(metrics)).toMatchObject({ calls: 1, attempts: 1, amplification: 1, ended: 1 });
  });

  it('counts a call an open breaker refused as unsent (a short circuit), not as a call with no attempt', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 500));
    const { client, metrics } = makeClient(cleanup, stub.url, { breaker: { kind: 'consecutive', threshold: 2, halfOpenAfterMs: 60_000 } });
    const call = () => outcomeOf(client.request({ method: 'GET', path: '/x' }));
    expect([await call(), await call(), await call()]).toEqual(['error', 'error', 'short_circuit']);
    const c = await counts(metrics);
    expect(c).toMatchObject({ calls: 2, attempts: 2, amplification: 1, unsent: 1, ended: 3 });
    expect(await c.value('dependency_calls_unsent_total', { outcome: 'short_circuit' })).toBe(1);
    expect(await c.value('dependency_request_duration_seconds', { outcome: 'short_circuit', fallback: 'false' })).toBe(1);
    expect(stub.count).toBe(2);
  });

  it('keeps a short circuit a short circuit when the fallback answers it: why it ended and who answered are two labels', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 500));
    const { client, metrics } = makeClient(cleanup, stub.url, { fallback: true, breaker: { kind: 'consecutive', threshold: 1, halfOpenAfterMs: 60_000 } });
    const pending = () => ({ status: 202, body: { pending: true } });
    const first = await client.request({ method: 'POST', path: '/dispatch', body: {}, fallback: pending });
    const second = await client.request({ method: 'POST', path: '/dispatch', body: {}, fallback: pending });
    expect(first).toMatchObject({ status: 202, outcome: 'error', fallback: true });
    expect(second).toMatchObject({ status: 202, outcome: 'short_circuit', fallback: true });
    const c = await counts(metrics);
    expect(c).toMatchObject({ calls: 1, attempts: 1, unsent: 1, ended: 2 });
    expect(await c.value('dependency_request_duration_seconds', { outcome: 'short_circuit', fallback: 'true' })).toBe(1);
    expect(await c.value('dependency_request_duration_seconds', { outcome: 'error', fallback: 'true' })).toBe(1);
    expect(await c.value('dependency_request_duration_seconds', { fallback: 'true' })).toBe(2);
    expect(await c.value('dependency_request_duration_seconds', { fallback: 'false' })).toBe(0);
  });

  it('counts a call whose retry met the open breaker as a call with its one network attempt, ended by a short circuit', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 503));
    const { client, metrics } = makeClient(cleanup, stub.url, { retry: quickRetries, breaker: { kind: 'consecutive', threshold: 1, halfOpenAfterMs: 60_000 } });
    expect(await outcomeOf(client.request({ method: 'GET', path: '/x' }))).toBe('short_circuit');
    const c = await counts(metrics);
    expect(c).toMatchObject({ calls: 1, attempts: 1, amplification: 1, unsent: 0, ended: 1 });
    expect(await c.value('dependency_request_duration_seconds', { outcome: 'short_circuit' })).toBe(1);
    expect(stub.count).toBe(1);
  });

  it('counts a call the full bulkhead rejected as unsent (rejected), equal to bulkhead_rejections_total, not as a call', async () => {
    const stub = await startStub(cleanup, hang);
    const { client, metrics } = makeClient(cleanup, stub.url, { timeoutMs: 300, bulkhead: { limit: 1, queue: 0 } });
    const held = outcomeOf(client.request({ method: 'GET', path: '/x' }));
    while (stub.count === 0) await sleep(5);
    expect(await outcomeOf(client.request({ method: 'GET', path: '/x' }))).toBe('rejected');
    expect(await held).toBe('timeout');
    const c = await counts(metrics);
    expect(c).toMatchObject({ calls: 1, attempts: 1, amplification: 1, unsent: 1, ended: 2 });
    expect(await c.value('dependency_calls_unsent_total', { outcome: 'rejected' })).toBe(1);
    expect(await c.value('bulkhead_rejections_total')).toBe(1);
    expect(await c.value('dependency_attempts_total', { outcome: 'timeout' })).toBe(1);
  });

  it('counts a call whose deadline was spent before it was sent as unsent (timeout): no network attempt', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 200));
    const { client, metrics } = makeClient(cleanup, stub.url, {});
    expect(await outcomeOf(client.request({ method: 'GET', path: '/x', deadline: new Deadline(0) }))).toBe('timeout');
    const c = await counts(metrics);
    expect(c).toMatchObject({ calls: 0, attempts: 0, amplification: null, unsent: 1, ended: 1 });
    expect(await c.value('dependency_calls_unsent_total', { outcome: 'timeout' })).toBe(1);
    expect(stub.count).toBe(0);
  });

  it('ends every call exactly once: calls ended = calls sent + calls unsent', async () => {
    const stub = await startStub(cleanup, (_req, res, n) => reply(res, n % 3 === 0 ? 200 : 503));
    const { client, metrics } = makeClient(cleanup, stub.url, {
      retry: { ...quickRetries, maxRetries: 1 },
      bulkhead: { limit: 2, queue: 0 },
      breaker: { kind: 'consecutive', threshold: 4, halfOpenAfterMs: 60_000 },
    });
    await Promise.all(Array.from({ length: 12 }, () => outcomeOf(client.request({ method: 'GET', path: '/x' }))));
    const c = await counts(metrics);
    expect(c.ended).toBe(12);
    expect(c.calls + c.unsent).toBe(12);
    expect(c.attempts).toBe(stub.count);
    expect(c.attempts).toBeGreaterThanOrEqual(c.calls);
  });
});
