import type { ToxicKind } from './toxic.ts';

interface LimitDataState {
  /** Bytes already let through on this connection direction; survives updates of the toxic. */
  bytesSent: number;
}

/**
 * `limit_data` (bytes): forwards up to `bytes` per connection direction, then closes the
 * connection. 0 closes on the first chunk without forwarding anything.
 */
export const limitDataToxic: ToxicKind<LimitDataState> = {
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  attributes: [{ name: 'bytes', goType: 'int64' }],
  newState: () => ({ bytesSent: 0 }),
  async pipe(io, { bytes = 0 }) {
    for (;;) {
      const chunk = await io.read();
      if (chunk === undefined) return;
      if (chunk === null) return io.end();
      const remaining = Math.max(0, bytes - io.state.bytesSent);
      const data = chunk.data.length > remaining ? chunk.data.subarray(0, remaining) : chunk.data;
      if (data.length > 0) {
        io.state.bytesSent += data.length;
        await io.write({ data, atMs: chunk.atMs });
      }
      if (io.state.bytesSent >= bytes) return io.closeLink();
    }
  },
};
