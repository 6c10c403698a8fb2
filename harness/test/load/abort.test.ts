import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/index.ts';
import { activeResources, loadSpec, startServer } from './server.ts';
import type { TestServer } from './server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Handle kinds a load run opens: sockets and timers. */
const WATCHED = ['TCPSocketWrap', 'TCPWRAP', 'Timeout'];

/** Waits (briefly) until no more sockets or timers are active than in `before`; returns the excess left. */
async function excessHandles(before: Map<string, number>): Promise<Record<string, number>> {
  const deadline = performance.now() + 2000;
  for (;;) {
    const now = activeResources();
    const excess: Record<string, number> = {};
    for (const type of WATCHED) {
      const extra = (now.get(type) ?? 0) - (before.get(type) ?? 0);
      if (extra > 0) excess[type] = extra;
    }
    if (Object.keys(excess).length === 0 || performance.now() > deadline) return excess;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits (briefly) for the server to see every connection closed; returns how many are left. */
async function connectionsLeft(target: TestServer): Promise<number> {
  const deadline = performance.now() + 2000;
  while (target.openConnections > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return target.openConnections;
}

describe('stopping the load', () => {
  it('stops promptly on abort, cancels what is in flight, and leaves no socket or timer behind', async () => {
    let answered = 0;
    server = await startServer((_request, response) => {
      // Answers the first few, then holds every request so some are in flight at the abort.
      if (answered++ < 10) response.end('ok');
    });
    const before = activeResources();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    const startedAt = performance.now();
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(50, 10_000, { timeoutMs: 5000 }), signal: controller.signal });
    const tookMs = performance.now() - startedAt;

    expect(outcome.aborted).toBe(true);
    expect(tookMs).toBeLessThan(2000);
    expect(outcome.samples).toHaveLength(10); // the answered ones; cancelled requests are not samples
    expect(outcome.samples.every((s) => s.ok)).toBe(true);
    expect(server.maxConcurrent).toBeGreaterThan(5); // requests were held in flight at the abort…
    expect(await excessHandles(before)).toEqual({});
    expect(await connectionsLeft(server)).toBe(0); // …and their connections are gone
  });

  it('leaves no handle behind after a run that ends normally', async () => {
    server = await startServer((_request, response) => response.end('ok'));
    const before = activeResources();
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(50, 500), onSecond: () => {} });
    expect(outcome.samples).toHaveLength(25);
    expect(await excessHandles(before)).toEqual({});
    expect(await connectionsLeft(server)).toBe(0); // keep-alive connections closed, not left idle
  });

  it('returns at once, sending nothing, when the signal is already aborted', async () => {
    let requests = 0;
    server = await startServer((_request, response) => {
      requests++;
      response.end();
    });
    const outcome = await runLoad({ baseUrl: server.url, seed: 1, spec: loadSpec(50, 5000), signal: AbortSignal.abort() });
    expect(outcome).toMatchObject({ aborted: true, samples: [], dropped: [] });
    expect(requests).toBe(0);
  });

  it('rethrows an exception of the progress callback after cleaning up', async () => {
    server = await startServer((_request, response) => response.end('ok'));
    const run = runLoad({
      baseUrl: server.url,
      seed: 1,
      spec: loadSpec(20, 1500),
      onSecond: () => {
        throw new Error('progress broke');
      },
    });
    await expect(run).rejects.toThrow('progress broke');
  });
});
