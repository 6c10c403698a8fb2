// The process sampled by the proxy soak: the embedded Toxiproxy alone, plus what only the process
// itself can tell — heap after a full collection, active handles, event-loop delay — answered on
// IPC. Started by soak-proxy.ts with --expose-gc.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startToxiproxy } from '../src/toxiproxy/index.ts';

/** What the child reports when asked for a sample. */
export interface InnerSample {
  heapUsedBytes: number;
  activeHandles: number;
  /** Event-loop delay since the previous sample: p99 and max, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const resolutionMs = 10;
const loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
// The histogram holds the whole interval between two timer ticks: the delay is what exceeds it.
const beyond = (ns: number): number => Math.max(0, ns / 1e6 - resolutionMs);
loopDelay.enable();
const gc = (globalThis as { gc?: () => void }).gc;

const server = await startToxiproxy({ host: '127.0.0.1', port: 0, seed: 1 });
process.on('message', (message) => {
  if (message !== 'sample') return;
  // A full collection first: what survives it is what the server holds on to.
  gc?.();
  const sample: InnerSample = {
    heapUsedBytes: process.memoryUsage().heapUsed,
    // Timers come and go with toxics; count every resource the loop is kept alive by.
    activeHandles: process.getActiveResourcesInfo().length,
    loopDelayP99Ms: beyond(loopDelay.percentile(99)),
    loopDelayMaxMs: beyond(loopDelay.max),
  };
  loopDelay.reset();
  process.send?.({ sample });
});
process.on('disconnect', () => void server.close().finally(() => process.exit(0)));
process.send?.({ api: server.url });
