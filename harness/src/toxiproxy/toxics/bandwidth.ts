import type { ToxicKind } from './toxic.ts';

/** Toxiproxy sends a large chunk in pieces of what the rate allows per this interval. */
const sliceIntervalMs = 100;

/**
 * `bandwidth` (rate KB/s, KB = 1000 bytes; 0 = unlimited): data leaves at the rate. A chunk
 * larger than 100 ms worth of data goes out in 100 ms pieces. The schedule is kept on the
 * monotonic clock, so timer error does not accumulate.
 */
export const bandwidthToxic: ToxicKind = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  attributes: [{ name: 'rate', goType: 'int64' }],
  async pipe(io, { rate = 0 }) {
    const bytesPerMs = rate; // rate KB/s = rate bytes per ms
    const pieceBytes = rate * sliceIntervalMs;
    let releaseAtMs = 0;
    for (;;) {
      const chunk = await io.read();
      if (chunk === undefined) return;
      if (chunk === null) return io.end();
      if (rate <= 0) {
        await io.write(chunk);
        continue;
      }
      releaseAtMs = Math.max(releaseAtMs, performance.now());
      let data = chunk.data;
      while (data.length > 0) {
        const piece = data.length > pieceBytes ? data.subarray(0, pieceBytes) : data;
        releaseAtMs += piece.length / bytesPerMs;
        if (!(await io.sleepUntil(releaseAtMs))) {
          await io.write({ data, atMs: chunk.atMs }); // interrupted: forward the rest at once
          return;
        }
        await io.write({ data: piece, atMs: chunk.atMs });
        data = data.subarray(piece.length);
      }
    }
  },
};
