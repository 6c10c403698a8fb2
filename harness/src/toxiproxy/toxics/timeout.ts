import type { ToxicKind } from './toxic.ts';

/**
 * `timeout` (timeout ms; 0 = never): drops all data of its direction and closes the connection
 * `timeout` after the toxic started on it. If the source ends first, the end goes on at once.
 * Removing the toxic closes every connection it was applied to (Toxiproxy's cleanup).
 */
export const timeoutToxic: ToxicKind = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  closesOnRemove: true,
  async pipe(io, { timeout = 0 }) {
    const closeAtMs = timeout > 0 ? performance.now() + timeout : Infinity;
    // Reading (and dropping) and the expiry are two waits, raced once. Racing the expiry against
    // each read instead would leave a reaction on it per chunk for as long as the connection lives.
    const drained = (async () => {
      for (;;) {
        const chunk = await io.read();
        if (chunk === undefined) return 'interrupted' as const;
        if (chunk === null) return 'ended' as const;
        // A chunk: dropped on the floor.
      }
    })();
    const expired = timeout > 0 ? io.sleepUntil(closeAtMs).then((slept) => (slept ? ('expired' as const) : ('interrupted' as const))) : undefined;
    const outcome = expired ? await Promise.race([drained, expired]) : await drained;
    if (outcome === 'ended') return io.end();
    if (outcome === 'expired') {
      io.closeLink();
      // Keep dropping what still arrives until the connection is gone (it interrupts the run).
      await drained;
    }
  },
};
