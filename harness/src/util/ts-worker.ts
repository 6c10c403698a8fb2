import { Worker } from 'node:worker_threads';

/** Starts a worker thread running the module `entry` (a file URL), with `data` available as
 * `workerData.data`. A TypeScript entry (from a clone) goes through a bootstrap that registers
 * tsx, which workers do not inherit on Node 20; a compiled one runs as it is. */
export function startTsWorker(entry: URL, data: unknown): Worker {
  if (entry.pathname.endsWith('.js')) return new Worker(entry, { workerData: { data } });
  return new Worker(new URL('./ts-worker.js', import.meta.url), { workerData: { entry: entry.href, data } });
}
