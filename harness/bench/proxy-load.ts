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
 * timed from its actual start. Enough connections that none waits for a free one. The generator
 * keeps nothing per request beyond its latency in a preallocated array, so that its own garbage
 * collection (which would stall every request in flight) stays small and rare.
 */
export async function openLoop(url: string, ratePerSecond: number, durationMs: number, connections: number, warmupMs = 1000): Promise<LoadResult> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  // The warm-up opens the pool's connections; only requests started after it are recorded.
  const warmupRequests = Math.round((ratePerSecond * warmupMs) / 1000);
  const total = warmupRequests + Math.round((ratePerSecond * durationMs) / 1000);
  const latencies = new Float64Array(total - warmupRequests);
  let recorded = 0;
  let outstanding = 0;
  let allSent = false;
  let failure: unknown;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const send = (index: number): void => {
    const t0 = performance.now();
    outstanding++;
    get(pool, '/').then(
      () => {
        if (index >= warmupRequests) latencies[recorded++] = performance.now() - t0;
        if (--outstanding === 0 && allSent) finish();
      },
      (error: unknown) => {
        failure ??= error;
        if (--outstanding === 0 && allSent) finish();
      },
    );
  };
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * ratePerSecond) / 1000));
      while (sent < due) send(sent++);
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  allSent = true;
  if (outstanding > 0) await finished;
  const elapsedMs = performance.now() - start;
  await pool.close();
  if (failure) throw failure;
  const latenciesMs = Array.from(latencies.subarray(0, recorded));
  return { requests: latenciesMs.length, elapsedMs, latenciesMs };
}
