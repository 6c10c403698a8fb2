import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../lib/client/errors.ts';
import { Cleanup, hang, makeClient, metricValue, reply, startStub } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('the timeout policy', () => {
  it('gives up on a callee that hangs and cancels the request on the socket', async () => {
    const stub = await startStub(cleanup, hang);
    const { client, metrics } = makeClient(cleanup, stub.url, { timeoutMs: 150 });
    const started = performance.now();
    const error = await client.request({ method: 'GET', path: '/slow' }).catch((e: unknown) => e);
    const elapsedMs = performance.now() - started;
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).outcome).toBe('timeout');
    expect(elapsedMs).toBeGreaterThanOrEqual(140);
    expect(elapsedMs).toBeLessThan(2000);
    // The stub sees its client go away: nothing keeps the request running.
    await expect(Promise.race([stub.closedBy[0], sleep(2000, 'still open')])).resolves.toBeUndefined();
    expect(await metricValue(metrics.registry, 'dependency_attempts_total', { outcome: 'timeout' })).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { outcome: 'timeout' })).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_calls_total')).toBe(1);
  });

  it('lets a callee that answers in time through', async () => {
    const stub = await startStub(cleanup, (_req, res) => setTimeout(() => reply(res, 200, { hello: 'world' }), 20));
    const { client, metrics } = makeClient(cleanup, stub.url, { timeoutMs: 1000 });
    const result = await client.request({ method: 'GET', path: '/ok' });
    expect(result).toMatchObject({ status: 200, body: { hello: 'world' }, outcome: 'success' });
    expect(await metricValue(metrics.registry, 'dependency_attempts_total', { outcome: 'success' })).toBe(1);
  });

  it('has no timeout at all in the naive profile: the call hangs until the caller aborts it', async () => {
    const stub = await startStub(cleanup, hang);
    const { client, metrics } = makeClient(cleanup, stub.url, {});
    const abort = new AbortController();
    const call = client.request({ method: 'GET', path: '/slow', signal: abort.signal }).then(
      () => 'answered',
      (e: unknown) => e,
    );
    expect(await Promise.race([call, sleep(1500, 'still waiting')])).toBe('still waiting');
    abort.abort();
    const error = await call;
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).outcome).toBe('error');
    await expect(Promise.race([stub.closedBy[0], sleep(2000, 'still open')])).resolves.toBeUndefined();
    expect(await metricValue(metrics.registry, 'dependency_attempts_total', { outcome: 'timeout' })).toBe(0);
  });
});
