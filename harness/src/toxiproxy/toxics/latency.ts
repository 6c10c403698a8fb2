import type { ToxicKind } from './toxic.ts';

/**
 * `latency` (latency ms, jitter ms): each chunk is held until latency ± jitter has passed since
 * it was read from the source, so delays do not pile up across pipelined chunks, and never
 * released before the chunk ahead of it. Jitter is uniform in [-jitter, +jitter), whole
 * milliseconds, as in Toxiproxy. Later latency toxics of the same direction count from the
 * release time, as Toxiproxy's do.
 */
export const latencyToxic: ToxicKind = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: [
    { name: 'latency', goType: 'int64' },
    { name: 'jitter', goType: 'int64' },
  ],
  // Toxiproxy buffers 1024 chunks here so that chunks are stamped as they arrive.
  queueChunks: 1024,
  holdMs: ({ latency = 0, jitter = 0 }, random) => latency + (jitter > 0 ? random.int(2 * jitter) - jitter : 0),
};
