import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../lib/client/errors.ts';
import { Cleanup, makeClient, metricValue, resetConnection, startStub } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The address of a callee that is down: a port that was free a moment ago. */
async function downUrl(): Promise<string> {
  const stub = await startStub(new Cleanup(), resetConnection);
  await stub.close();
  return stub.url;
}

describe('the fallback', () => {
  it('answers with the caller’s fallback when the callee is down', async () => {
    const { client, metrics } = makeClient(cleanup, await downUrl(), { fallback: true });
    const result = await client.request({ method: 'GET', path: '/passengers/p-1', fallback: () => ({ status: 200, body: { id: 'p-1', cached: true } }) });
    // The call failed (error) and the fallback answered: two facts, two labels.
    expect(result).toMatchObject({ outcome: 'error', fallback: true, status: 200, body: { cached: true } });
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { outcome: 'error', fallback: 'true' })).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { fallback: 'false' })).toBe(0);
    expect(await metricValue(metrics.registry, 'dependency_attempts_total', { outcome: 'error' })).toBe(1);
  });

  it('answers after a connection reset, once the retries are spent', async () => {
    const stub = await startStub(cleanup, resetConnection);
    const { client } = makeClient(cleanup, stub.url, {
      fallback: true,
      retry: { maxRetries: 1, backoff: 'constant', initialDelayMs: 5, maxDelayMs: 5, jitter: false, onlyIdempotent: true },
    });
    const result = await client.request({ method: 'GET', path: '/x', fallback: () => ({ status: 202, body: { pending: true } }) });
    expect(result).toMatchObject({ outcome: 'error', fallback: true });
    expect(stub.count).toBe(2);
  });

  it('is not used when the profile has no fallback', async () => {
    const { client } = makeClient(cleanup, await downUrl(), {});
    const error = await client.request({ method: 'GET', path: '/x', fallback: () => ({ status: 200, body: {} }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).outcome).toBe('error');
  });

  it('lets the failure through when the caller has nothing to fall back on (no cached value)', async () => {
    const { client, metrics } = makeClient(cleanup, await downUrl(), { fallback: true });
    await expect(client.request({ method: 'GET', path: '/x', fallback: () => undefined })).rejects.toBeInstanceOf(DependencyError);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { outcome: 'error', fallback: 'false' })).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { fallback: 'true' })).toBe(0);
  });
});
