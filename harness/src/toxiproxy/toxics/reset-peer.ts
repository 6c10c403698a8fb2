import type { ToxicKind } from './toxic.ts';

/**
 * `reset_peer` (timeout ms): on the first chunk (or end) of its direction, throws it away, waits
 * `timeout`, then closes the connection — with a TCP RST (ECONNRESET) for connections opened
 * while the toxic exists, with a normal FIN for those already open (as Toxiproxy's SO_LINGER 0).
 */
export const resetPeerToxic: ToxicKind = {
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  resetsPeer: true,
  async pipe(io, { timeout = 0 }) {
    const first = await io.read();
    if (first === undefined) return;
    // The reset is decided: an interrupt (the toxic updated or removed) only brings it forward.
    await io.sleepUntil(performance.now() + timeout);
    io.closeLink();
  },
};
