import { Worker } from 'node:worker_threads';

/** Starts a worker thread running the TypeScript module `entry` (a file URL), with `data`
 * available as `workerData.data`. */
export function startTsWorker(entry: URL, data: unknown): Worker {
  return new Worker(new URL('./ts-worker.js', import.meta.url), { workerData: { entry: entry.href, data } });
}
