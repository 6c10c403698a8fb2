import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DependencyError } from '../lib/client/errors.ts';
import { Cleanup, makeClient, metricValue, reply, startStub } from './helpers.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('the bulkhead', () => {
  it('runs up to its limit, queues up to its queue, and rejects the rest at once', async () => {
    const stub = await startStub(cleanup, (_req, res) => setTimeout(() => reply(res, 200), 400));
    const { client, metrics } = makeClient(cleanup, stub.url, { bulkhead: { limit: 2, queue: 1 } });
    const settledAt: Record<string, number[]> = {};
    const started = performance.now();
    const calls = Array.from({ length: 5 }, () =>
      client
        .request({ method: 'GET', path: '/slow' })
        .then(
          () => 'success',
          (e: unknown) => (e as DependencyError).outcome,
        )
        .then((outcome) => {
          (settledAt[outcome] ??= []).push(performance.now() - started);
          return outcome;
        }),
    );
    await sleep(150);
    expect(await metricValue(metrics.registry, 'bulkhead_active')).toBe(2);
    expect(await metricValue(metrics.registry, 'bulkhead_queued')).toBe(1);
    expect(stub.count).toBe(2);

    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o === 'success')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(2);
    // Rejections fail fast: long before the first slow answer.
    expect(Math.max(...settledAt['rejected']!)).toBeLessThan(Math.min(...settledAt['success']!));
    expect(await metricValue(metrics.registry, 'bulkhead_rejections_total')).toBe(2);
    expect(await metricValue(metrics.registry, 'dependency_request_duration_seconds', { outcome: 'rejected' })).toBe(2);
    expect(await metricValue(metrics.registry, 'bulkhead_active')).toBe(0);
    expect(await metricValue(metrics.registry, 'bulkhead_queued')).toBe(0);
    // Rejected calls never became network attempts, nor calls: they are calls never sent.
    expect(await metricValue(metrics.registry, 'dependency_attempts_total')).toBe(3);
    expect(await metricValue(metrics.registry, 'dependency_calls_total')).toBe(3);
    expect(await metricValue(metrics.registry, 'dependency_calls_unsent_total', { outcome: 'rejected' })).toBe(2);
  });
});
