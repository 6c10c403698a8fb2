import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type DependencyError } from '../lib/client/errors.ts';
import { Cleanup, makeClient, metricValue, reply, startStub } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const outcomeOf = (call: Promise<unknown>) =>
  call.then(
    () => 'success',
    (e: unknown) => (e as DependencyError).outcome,
  );

describe('the circuit breaker', () => {
  it('opens after consecutive failures, short-circuits without touching the callee, half-opens after its delay and closes on success', async () => {
    let healthy = false;
    const stub = await startStub(cleanup, (_req, res) => reply(res, healthy ? 200 : 500));
    const { client, metrics } = makeClient(cleanup, stub.url, { breaker: { kind: 'consecutive', threshold: 3, halfOpenAfterMs: 300 } });
    const call = () => outcomeOf(client.request({ method: 'GET', path: '/x' }));
    const state = () => metricValue(metrics.registry, 'circuit_breaker_state');

    expect([await call(), await call(), await call()]).toEqual(['error', 'error', 'error']);
    expect(await state()).toBe(1);
    expect(await call()).toBe('short_circuit');
    expect(stub.count).toBe(3); // the short-circuited call never reached the callee

    healthy = true;
    await sleep(400);
    expect(await call()).toBe('success'); // the half-open trial call
    expect(await state()).toBe(0);
    expect(stub.count).toBe(4);
    expect(await metricValue(metrics.registry, 'circuit_breaker_transitions_total', { to: 'open' })).toBe(1);
    expect(await metricValue(metrics.registry, 'circuit_breaker_transitions_total', { to: 'half_open' })).toBe(1);
    expect(await metricValue(metrics.registry, 'circuit_breaker_transitions_total', { to: 'closed' })).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { outcome: 'short_circuit' })).toBe(1);
    // The short-circuited call is not a call with no attempt (that would read below 1×).
    expect(await metricValue(metrics.registry, 'dependency_calls_unsent_total', { outcome: 'short_circuit' })).toBe(1);
    expect(await metricValue(metrics.registry, 'dependency_calls_total')).toBe(4);
    expect(await metricValue(metrics.registry, 'dependency_attempts_total')).toBe(4);
  });

  it('re-opens when the half-open trial call fails', async () => {
    const stub = await startStub(cleanup, (_req, res) => reply(res, 503));
    const { client, metrics } = makeClient(cleanup, stub.url, { breaker: { kind: 'consecutive', threshold: 2, halfOpenAfterMs: 200 } });
    const call = () => outcomeOf(client.request({ method: 'GET', path: '/x' }));
    await call();
    await call();
    await sleep(300);
    expect(await call()).toBe('error');
    expect(await call()).toBe('short_circuit');
    expect(await metricValue(metrics.registry, 'circuit_breaker_transitions_total', { to: 'open' })).toBe(2);
    expect(await metricValue(metrics.registry, 'circuit_breaker_state')).toBe(1);
  });

  it('also comes in a sampling variant that opens on the failure ratio over a window', async () => {
    const stub = await startStub(cleanup, (_req, res, n) => reply(res, n % 4 === 0 ? 200 : 500));
    const { client } = makeClient(cleanup, stub.url, { breaker: { kind: 'sampling', threshold: 0.5, durationMs: 2000, minimumRps: 1, halfOpenAfterMs: 5000 } });
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) outcomes.push(await outcomeOf(client.request({ method: 'GET', path: '/x' })));
    expect(outcomes).toContain('short_circuit');
    expect(stub.count).toBeLessThan(30);
  });

  it('counts timeouts as failures too', async () => {
    const stub = await startStub(cleanup, () => undefined);
    const { client } = makeClient(cleanup, stub.url, { timeoutMs: 50, breaker: { kind: 'consecutive', threshold: 2, halfOpenAfterMs: 5000 } });
    const call = () => outcomeOf(client.request({ method: 'GET', path: '/x' }));
    expect([await call(), await call(), await call()]).toEqual(['timeout', 'timeout', 'short_circuit']);
  });
});
