// The HTTP load of the proxy benchmark, on undici: closed-loop keep-alive requests, sequential
// requests on one connection, 1 MiB downloads, and an open-loop fixed arrival rate.
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  elapsedMs: number;
  /** Response times in ms, in completion order. */
  latenciesMs: number[];
}

async function get(pool: Pool, path: string): Promise<number> {
  const { body } = await pool.request({ path, method: 'GET' });
  let bytes = 0;
  for await (const part of body) bytes += (part as Buffer).length;
  return bytes;
}

/** `connections` loops, each sending its next request when the previous answered, for `durationMs`. */
export async function closedLoop(url: string, connections: number, durationMs: number): Promise<LoadResult> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const latenciesMs: number[] = [];
  const start = performance.now();
  const until = start + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await get(pool, '/');
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  await pool.close();
  return { requests: latenciesMs.length, elapsedMs, latenciesMs };
}

/** `count` 1 MiB downloads on one connection; returns MB/s (MB = 10^6 bytes). */
export async function bulkMegabytesPerSecond(url: string, count: number): Promise<number> {
  const pool = new Pool(url, { connections: 1 });
  await get(pool, '/bulk');
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += await get(pool, '/bulk');
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return bytes / 1e6 / seconds;
}

/**
 * Open loop: requests start on a fixed schedule (`ratePerSecond`) whatever the answers do, each
 * timed from its actual start. Enough connections that none waits for a free one.
 */
export async function openLoop(url: string, ratePerSecond: number, durationMs: number, connections: number, warmupMs = 1000): Promise<LoadResult> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const latenciesMs: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  // The warm-up opens the pool's connections; only requests started after it are recorded.
  const warmupRequests = Math.round((ratePerSecond * warmupMs) / 1000);
  const total = warmupRequests + Math.round((ratePerSecond * durationMs) / 1000);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * ratePerSecond) / 1000));
      while (sent < due) {
        const recorded = sent++ >= warmupRequests;
        const t0 = performance.now();
        pending.push(get(pool, '/').then(() => void (recorded && latenciesMs.push(performance.now() - t0))));
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  const elapsedMs = performance.now() - start;
  await pool.close();
  return { requests: latenciesMs.length, elapsedMs, latenciesMs };
}
