import type { ToxicKind } from './toxic.ts';

/**
 * `latency` (latency ms, jitter ms): each chunk is held until latency ± jitter has passed since
 * it was read from the source, so delays do not pile up across pipelined chunks. Jitter is
 * uniform in [-jitter, +jitter), whole milliseconds, as in Toxiproxy.
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
  async pipe(io, { latency = 0, jitter = 0 }) {
    for (;;) {
      const chunk = await io.read();
      if (chunk === undefined) return;
      if (chunk === null) return io.end();
      const delayMs = latency + (jitter > 0 ? io.random.int(2 * jitter) - jitter : 0);
      const releaseAtMs = chunk.atMs + delayMs;
      await io.sleepUntil(releaseAtMs);
      // Interrupted or not, the chunk goes on: data in flight is never dropped. Later latency
      // toxics of the same direction count from this release time, as Toxiproxy's do.
      await io.write({ data: chunk.data, atMs: io.interrupted ? chunk.atMs : releaseAtMs });
      if (io.interrupted) return;
    }
  },
};
